import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { BroadcastStatsUpdatedEvent, BroadcastStatsUpdatedSchema } from '@onair/contracts';
import { Outbox } from '@onair/kafka';
import { DataSource, type EntityManager } from 'typeorm';
import type { BroadcastRow } from '../broadcasts/broadcast-record.js';
import { STREAM_SESSIONS_CONFIG, type StreamSessionsConfig } from '../config.js';
import { PeriodicTask } from '../sweeping/periodic-task.js';

type StatsRow = Pick<BroadcastRow, 'id' | 'viewers_now' | 'viewers_peak' | 'hearts_total'> & {
  stats_published_at: Date | null;
};

/**
 * BroadcastStatsUpdated at most once per STATS_INTERVAL_SECONDS per broadcast: a change marks
 * the row dirty and is published at once when the last publication is old enough, otherwise
 * by the sweep once it is. The sweep also drops audience reports of nodes that went quiet
 * (a node stops reporting when its last viewer leaves).
 */
@Injectable()
export class StatsPublisher implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly task: PeriodicTask;

  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    @Inject(STREAM_SESSIONS_CONFIG) private readonly config: StreamSessionsConfig,
  ) {
    this.task = new PeriodicTask('stats', config.lifecycle.sweepIntervalMs, () => this.sweep(), new Logger('StatsPublisher'));
  }

  onApplicationBootstrap() {
    this.task.start();
  }

  onApplicationShutdown() {
    return this.task.stop();
  }

  /** Publishes in the caller's transaction if the broadcast's last publication is old enough. */
  async publishIfDue(manager: EntityManager, row: StatsRow): Promise<void> {
    const due = !row.stats_published_at || Date.now() - row.stats_published_at.getTime() >= this.config.stats.intervalSeconds * 1000;
    if (due) await this.publish(manager, row);
  }

  async sweep(): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const [stale]: [Array<{ broadcast_id: string }>] = await manager.query(
        `DELETE FROM broadcast_audience WHERE received_at <= now() - make_interval(secs => $1) RETURNING broadcast_id`,
        [this.config.stats.audienceStaleSeconds],
      );
      if (stale.length === 0) return;
      await manager.query(
        `UPDATE broadcast b
            SET viewers_now = coalesce((SELECT sum(viewers) FROM broadcast_audience a WHERE a.broadcast_id = b.id), 0),
                stats_dirty = true
          WHERE b.id = ANY($1::uuid[]) AND b.state = 'live'`,
        [[...new Set(stale.map((s) => s.broadcast_id))]],
      );
    });
    await this.dataSource.transaction(async (manager) => {
      const due: StatsRow[] = await manager.query(
        `SELECT id, viewers_now, viewers_peak, hearts_total, stats_published_at FROM broadcast
          WHERE stats_dirty AND (stats_published_at IS NULL OR stats_published_at <= now() - make_interval(secs => $1))
          LIMIT 500 FOR UPDATE SKIP LOCKED`,
        [this.config.stats.intervalSeconds],
      );
      for (const row of due) await this.publish(manager, row);
    });
  }

  private async publish(manager: EntityManager, row: StatsRow): Promise<void> {
    await this.outbox.add(
      manager,
      BroadcastStatsUpdatedEvent,
      create(BroadcastStatsUpdatedSchema, {
        broadcastId: row.id,
        viewersNow: row.viewers_now,
        viewersPeak: row.viewers_peak,
        heartsTotal: BigInt(row.hearts_total),
        at: timestampFromDate(new Date()),
      }),
    );
    await manager.query('UPDATE broadcast SET stats_dirty = false, stats_published_at = now() WHERE id = $1', [row.id]);
  }
}
