import { timestampDate } from '@bufbuild/protobuf/wkt';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { BroadcastWentLiveEvent, GoLiveChunkEvent, type BroadcastWentLive, type GoLiveChunk } from '@onair/contracts';
import { OnEvent, type KafkaEventContext } from '@onair/kafka';
import { GoLiveDelivery } from './go-live-delivery.js';

/**
 * A go-live becomes a fan-out job (picked up by FanoutRunner on some pod); each chunk of its
 * audience is delivered by whichever pod's consumer reads that chunk's partition.
 */
@Controller()
export class GoLiveConsumer {
  constructor(private readonly delivery: GoLiveDelivery) {}

  @OnEvent(BroadcastWentLiveEvent)
  async onLive(@Payload() e: BroadcastWentLive, @Ctx() ctx: KafkaEventContext): Promise<void> {
    const audience = e.info?.visibility?.audience;
    if (!e.info) return;
    // A redelivered go-live of a broadcast taken down since: no fan-out again.
    const [takenDown] = await ctx.manager.query('SELECT 1 FROM taken_down_broadcast WHERE broadcast_id = $1', [e.broadcastId]);
    if (takenDown) return;
    const circleId = audience?.case === 'circleId' ? audience.value : null;
    // Public and followers-only broadcasts both go to the followers; a circle's only to its members.
    await ctx.manager.query(
      `INSERT INTO fanout_job (broadcast_id, owner_id, title, audience, circle_id, started_at)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (broadcast_id) DO NOTHING`,
      [e.broadcastId, e.info.ownerId, e.info.title, circleId ? 'circle' : 'followers', circleId, e.startedAt ? timestampDate(e.startedAt) : new Date()],
    );
  }

  @OnEvent(GoLiveChunkEvent)
  async onChunk(@Payload() chunk: GoLiveChunk, @Ctx() ctx: KafkaEventContext): Promise<void> {
    await this.delivery.deliver(ctx.manager, chunk);
  }
}
