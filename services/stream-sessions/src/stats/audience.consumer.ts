import { Controller, Inject } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { AudienceReportedEvent, type AudienceReported } from '@onair/contracts';
import { OnEvent, type KafkaEventContext } from '@onair/kafka';
import type { BroadcastRow } from '../broadcasts/broadcast-record.js';
import { STREAM_SESSIONS_CONFIG, type StreamSessionsConfig } from '../config.js';
import { eventTime, lockedBroadcastOf } from '../lifecycle/publisher.consumer.js';
import { StatsPublisher } from './stats-publisher.js';

/**
 * Viewers now = the sum of the latest report of every node still reporting; the peak only
 * grows. One write per node report (every few seconds), never one per viewer join.
 */
@Controller()
export class AudienceConsumer {
  constructor(
    private readonly stats: StatsPublisher,
    @Inject(STREAM_SESSIONS_CONFIG) private readonly config: StreamSessionsConfig,
  ) {}

  @OnEvent(AudienceReportedEvent)
  async onAudience(@Payload() e: AudienceReported, @Ctx() ctx: KafkaEventContext): Promise<void> {
    const b = await lockedBroadcastOf(ctx.manager, e.broadcastId);
    if (b.state !== 'live') return;
    await ctx.manager.query(
      `INSERT INTO broadcast_audience (broadcast_id, node_id, viewers, reported_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (broadcast_id, node_id) DO UPDATE
          SET viewers = excluded.viewers, reported_at = excluded.reported_at, received_at = now()
        WHERE broadcast_audience.reported_at <= excluded.reported_at`,
      [b.id, e.nodeId, Math.max(0, e.viewers), eventTime(e.at)],
    );
    const [[row]]: [Array<BroadcastRow & { stats_published_at: Date | null }>] = await ctx.manager.query(
      `UPDATE broadcast b
          SET viewers_now = s.total, viewers_peak = greatest(b.viewers_peak, s.total), stats_dirty = true
         FROM (SELECT coalesce(sum(viewers), 0)::int AS total FROM broadcast_audience
                WHERE broadcast_id = $1 AND received_at > now() - make_interval(secs => $2)) s
        WHERE b.id = $1
    RETURNING b.*`,
      [b.id, this.config.stats.audienceStaleSeconds],
    );
    await this.stats.publishIfDue(ctx.manager, row);
  }
}
