import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { BroadcastRow } from '../broadcasts/broadcast-record.js';
import { BroadcastTransitions } from '../broadcasts/broadcast-transitions.js';
import { STREAM_SESSIONS_CONFIG, type StreamSessionsConfig } from '../config.js';
import { PeriodicTask } from '../sweeping/periodic-task.js';

/** Ends live broadcasts whose publisher has been gone past the grace (reason PUBLISHER_GONE). */
@Injectable()
export class AutoEndSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task: PeriodicTask;

  constructor(
    private readonly dataSource: DataSource,
    private readonly transitions: BroadcastTransitions,
    @Inject(STREAM_SESSIONS_CONFIG) config: StreamSessionsConfig,
  ) {
    this.task = new PeriodicTask('auto-end', config.lifecycle.sweepIntervalMs, () => this.sweep(), new Logger('AutoEndSweeper'));
  }

  onApplicationBootstrap() {
    this.task.start();
  }

  onApplicationShutdown() {
    return this.task.stop();
  }

  /** One broadcast per transaction, each locked and skipped by any other replica. */
  async sweep(): Promise<number> {
    let ended = 0;
    for (;;) {
      const done = await this.dataSource.transaction(async (manager) => {
        const [due]: BroadcastRow[] = await manager.query(
          `SELECT * FROM broadcast WHERE state = 'live' AND auto_end_at <= now()
            ORDER BY auto_end_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
        );
        if (!due) return false;
        await this.transitions.end(manager, due, 'publisher_gone');
        return true;
      });
      if (!done) return ended;
      ended++;
    }
  }
}
