import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { BroadcastExpiredEvent, BroadcastExpiredSchema } from '@onair/contracts';
import { Outbox } from '@onair/kafka';
import { DataSource } from 'typeorm';
import type { BroadcastRow } from '../broadcasts/broadcast-record.js';
import { STREAM_SESSIONS_CONFIG, type StreamSessionsConfig } from '../config.js';
import { PeriodicTask } from '../sweeping/periodic-task.js';
import type { ReplayReader } from '@onair/replay-store';
import { REPLAY_STORE } from './replay-store.token.js';

/**
 * Expires broadcasts whose replay lifetime is over (ended with or without a recording):
 * files deleted, state expired, BroadcastExpired. The files go first; if the commit then
 * fails the next sweep deletes nothing more and commits.
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
        await this.store.remove(due.id);
        const [[row]]: [BroadcastRow[]] = await manager.query(
          `UPDATE broadcast SET state = 'expired', expired_at = now() WHERE id = $1 RETURNING *`,
          [due.id],
        );
        await this.outbox.add(
          manager,
          BroadcastExpiredEvent,
          create(BroadcastExpiredSchema, { broadcastId: row.id, ownerId: row.owner_id, expiredAt: timestampFromDate(row.expired_at!) }),
        );
        return true;
      });
      if (!done) return expired;
      expired++;
    }
  }
}
