import { create } from '@bufbuild/protobuf';
import { timestampNow } from '@bufbuild/protobuf/wkt';
import { Controller } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { HeartsBurstEvent, HeartsCountedEvent, HeartsCountedSchema, type HeartsBurst } from '@onair/contracts';
import { OnEvent, Outbox, type KafkaEventContext } from '@onair/kafka';

/**
 * A room's heart total: every burst's counted hearts added once (the event is marked processed
 * in the same transaction), and the running total published for stream-sessions' stats.
 * A group shared by the pods: each burst is counted by exactly one of them.
 */
@Controller()
export class HeartsTotalConsumer {
  constructor(private readonly outbox: Outbox) {}

  @OnEvent(HeartsBurstEvent)
  async onBurst(@Payload() burst: HeartsBurst, @Ctx() ctx: KafkaEventContext): Promise<void> {
    if (burst.counted <= 0) return;
    const [[room]]: [Array<{ hearts_total: string }>] = await ctx.manager.query(
      'UPDATE chat_room SET hearts_total = hearts_total + $2 WHERE broadcast_id = $1 RETURNING hearts_total',
      [burst.broadcastId, burst.counted],
    );
    if (!room) return; // a room chat never saw go live: nothing to add to
    await this.outbox.add(
      ctx.manager,
      HeartsCountedEvent,
      create(HeartsCountedSchema, { broadcastId: burst.broadcastId, total: BigInt(room.hearts_total), at: timestampNow() }),
    );
  }
}
