import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Outbox } from '@onair/kafka';
import { DataSource } from 'typeorm';
import type { BroadcastRow } from '../broadcasts/broadcast-record.js';
import { STREAM_SESSIONS_CONFIG, type StreamSessionsConfig } from '../config.js';
import { PeriodicTask } from '../sweeping/periodic-task.js';
import type { ReplayReader } from '@onair/replay-store';
import { expireBroadcast } from './expire-broadcast.js';
import { REPLAY_STORE } from './replay-store.token.js';

/**
 * Expires broadcasts whose replay lifetime is over (ended with or without a recording):
 * files deleted, state expired, BroadcastExpired (see expireBroadcast).
 */
@Injectable()
export class ReplayExpirySweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task: PeriodicTask;

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    @Inject(REPLAY_STORE) private readonly store: ReplayReader,
    @Inject(STREAM_SESSIONS_CONFIG) config: StreamSessionsConfig,
  ) {
    this.task = new PeriodicTask('replay-expiry', config.lifecycle.sweepIntervalMs, () => this.sweep(), new Logger('ReplayExpirySweeper'));
  }

  onApplicationBootstrap() {
    this.task.start();
  }

  onApplicationShutdown() {
    return this.task.stop();
  }

  async sweep(): Promise<number> {
    let expired = 0;
    for (;;) {
      const done = await this.dataSource.transaction(async (manager) => {
        const [due]: BroadcastRow[] = await manager.query(
          `SELECT * FROM broadcast WHERE state IN ('ended', 'replay_ready') AND replay_expires_at <= now()
            ORDER BY replay_expires_at LIMIT 1 FOR UPDATE SKIP LOCKED`,
        );
        if (!due) return false;
        await expireBroadcast(manager, this.outbox, this.store, due);
        return true;
      });
      if (!done) return expired;
      expired++;
    }
  }
}
