import { Controller, Logger } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { BroadcastTakenDownEvent, type BroadcastTakenDown } from '@onair/contracts';
import { OnEvent, type KafkaEventContext } from '@onair/kafka';
import { findBroadcast, type BroadcastId } from '../broadcasts/broadcast-record.js';
import { eventTime } from '../lifecycle/publisher.consumer.js';
import { BroadcastTakedown } from './broadcast-takedown.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Applies an operator's takedown (ops.broadcast_taken_down.v1); see BroadcastTakedown. */
@Controller()
export class TakedownConsumer {
  private readonly log = new Logger('TakedownConsumer');

  constructor(private readonly takedown: BroadcastTakedown) {}

  @OnEvent(BroadcastTakenDownEvent)
  async onTakenDown(@Payload() e: BroadcastTakenDown, @Ctx() ctx: KafkaEventContext): Promise<void> {
    // ops does not know which broadcasts exist (a report names any id): an unknown one is
    // nothing to do here, not a poison event to dead-letter.
    const b = UUID.test(e.broadcastId) ? await findBroadcast(ctx.manager, e.broadcastId.toLowerCase() as BroadcastId, true) : undefined;
    if (!b) return this.log.warn(`takedown of unknown broadcast ${e.broadcastId}; nothing to do`);
    // A redelivery, or a second takedown: the broadcast is already over for good.
    if (b.taken_down_at) return;
    await this.takedown.takeDown(ctx.manager, b, eventTime(e.takenDownAt));
  }
}
