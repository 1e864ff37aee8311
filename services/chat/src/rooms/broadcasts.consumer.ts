import { timestampDate } from '@bufbuild/protobuf/wkt';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import {
  BroadcastEndedEvent,
  BroadcastExpiredEvent,
  BroadcastWentLiveEvent,
  type BroadcastEnded,
  type BroadcastExpired,
  type BroadcastWentLive,
} from '@onair/contracts';
import { OnEvent, type KafkaEventContext } from '@onair/kafka';

/**
 * The rooms chat knows, from stream-sessions' lifecycle: a room opens when its broadcast goes
 * live (its start is where replay offsets count from), closes when it ends, and is forgotten,
 * messages and all, when its replay expires. A group shared by the pods.
 */
@Controller()
export class BroadcastsConsumer {
  @OnEvent(BroadcastWentLiveEvent)
  async onLive(@Payload() e: BroadcastWentLive, @Ctx() ctx: KafkaEventContext): Promise<void> {
    if (!e.info) return;
    await ctx.manager.query(
      `INSERT INTO chat_room (broadcast_id, owner_id, state, started_at) VALUES ($1, $2, 'live', $3) ON CONFLICT (broadcast_id) DO NOTHING`,
      [e.broadcastId, e.info.ownerId, e.startedAt ? timestampDate(e.startedAt) : new Date()],
    );
  }

  @OnEvent(BroadcastEndedEvent)
  async onEnded(@Payload() e: BroadcastEnded, @Ctx() ctx: KafkaEventContext): Promise<void> {
    await ctx.manager.query(`UPDATE chat_room SET state = 'ended', ended_at = coalesce(ended_at, now()) WHERE broadcast_id = $1`, [e.broadcastId]);
  }

  /** The replay is gone for everyone: so is its chat. */
  @OnEvent(BroadcastExpiredEvent)
  async onExpired(@Payload() e: BroadcastExpired, @Ctx() ctx: KafkaEventContext): Promise<void> {
    await ctx.manager.query('DELETE FROM chat_replay_item WHERE broadcast_id = $1', [e.broadcastId]);
    await ctx.manager.query('DELETE FROM chat_room WHERE broadcast_id = $1', [e.broadcastId]);
  }
}
