import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { HeartsCountedEvent, type HeartsCounted } from '@onair/contracts';
import { OnEvent, type KafkaEventContext } from '@onair/kafka';
import type { BroadcastRow } from '../broadcasts/broadcast-record.js';
import { StatsPublisher } from './stats-publisher.js';

/**
 * Hearts: chat counts them (at most 500 per viewer) and publishes each room's running total; the
 * broadcast's `hearts_total` only grows to it, so a late or repeated total changes nothing.
 */
@Controller()
export class HeartsConsumer {
  constructor(private readonly stats: StatsPublisher) {}

  @OnEvent(HeartsCountedEvent)
  async onHearts(@Payload() e: HeartsCounted, @Ctx() ctx: KafkaEventContext): Promise<void> {
    const [[row]]: [Array<BroadcastRow & { stats_published_at: Date | null }>] = await ctx.manager.query(
      `UPDATE broadcast SET hearts_total = $2, stats_dirty = true
        WHERE id = $1 AND hearts_total < $2
    RETURNING *`,
      [e.broadcastId, e.total.toString()],
    );
    if (row) await this.stats.publishIfDue(ctx.manager, row);
  }
}
