import { timestampDate } from '@bufbuild/protobuf/wkt';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { BroadcastEndedEvent, BroadcastEndReason, type BroadcastEnded } from '@onair/contracts';
import { OnEvent, type KafkaEventContext } from '@onair/kafka';
import { recordTakedown } from './taken-down.js';

/**
 * A broadcast OnAir's operators took down gets no go-live notification from then on: its fan-out
 * stops (the job is done; a pod in the middle of it loses its lease at the next page), chunks
 * already on the fan-out topic deliver nothing (GoLiveDelivery checks), pushes not sent yet are
 * dropped (WebPushSender checks) and the went_live rows already in inboxes are deleted (they
 * point at a broadcast that is gone). Counts already folded into an hour's digest stay counted.
 *
 * Fed by stream-sessions' broadcast.ended.v1 (reason TAKEN_DOWN), not ops' event: the broadcast's
 * lifecycle is stream-sessions' to say, and the end comes on the same topic and partition as the
 * go-live, after it, so the fan-out job it stops is always there already.
 */
@Controller()
export class TakedownsConsumer {
  @OnEvent(BroadcastEndedEvent)
  async onEnded(@Payload() e: BroadcastEnded, @Ctx() ctx: KafkaEventContext): Promise<void> {
    if (e.reason !== BroadcastEndReason.TAKEN_DOWN) return;
    await recordTakedown(ctx.manager, e.broadcastId, e.endedAt ? timestampDate(e.endedAt) : new Date());
    await ctx.manager.query(
      'UPDATE fanout_job SET done_at = coalesce(done_at, now()), lease_owner = NULL, lease_until = NULL WHERE broadcast_id = $1',
      [e.broadcastId],
    );
    await ctx.manager.query(`DELETE FROM notification WHERE kind = 'went_live' AND broadcast_id = $1`, [e.broadcastId]);
  }
}
