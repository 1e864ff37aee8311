import { Controller, Inject, Logger } from '@nestjs/common';
import { Ctx, Payload } from '@nestjs/microservices';
import { BroadcastTakenDownEvent, type BroadcastTakenDown } from '@onair/contracts';
import { OnEvent, Outbox, type KafkaEventContext } from '@onair/kafka';
import type { ReplayReader } from '@onair/replay-store';
import { findBroadcast, type BroadcastId } from '../broadcasts/broadcast-record.js';
import { BroadcastTransitions } from '../broadcasts/broadcast-transitions.js';
import { eventTime } from '../lifecycle/publisher.consumer.js';
import { expireBroadcast } from '../replays/expire-broadcast.js';
import { REPLAY_STORE } from '../replays/replay-store.token.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Applies an operator's takedown (ops.broadcast_taken_down.v1): a live (or created) broadcast
 * ends at once with reason taken_down through the owner's end path (broadcast.ended.v1: the SFU
 * closes its rooms, chat its room, discovery drops it), then every broadcast not expired yet goes
 * straight to expired (its replay files deleted, broadcast.expired.v1). taken_down_at stays on
 * the row: no ticket, no going live again, no recording becoming a replay.
 */
@Controller()
export class TakedownConsumer {
  private readonly log = new Logger('TakedownConsumer');

  constructor(
    private readonly outbox: Outbox,
    private readonly transitions: BroadcastTransitions,
    @Inject(REPLAY_STORE) private readonly store: ReplayReader,
  ) {}

  @OnEvent(BroadcastTakenDownEvent)
  async onTakenDown(@Payload() e: BroadcastTakenDown, @Ctx() ctx: KafkaEventContext): Promise<void> {
    // ops does not know which broadcasts exist (a report names any id): an unknown one is
    // nothing to do here, not a poison event to dead-letter.
    const b = UUID.test(e.broadcastId) ? await findBroadcast(ctx.manager, e.broadcastId.toLowerCase() as BroadcastId, true) : undefined;
    if (!b) return this.log.warn(`takedown of unknown broadcast ${e.broadcastId}; nothing to do`);
    // A redelivery, or a second takedown: the broadcast is already over for good.
    if (b.taken_down_at) return;
    await ctx.manager.query(`UPDATE broadcast SET taken_down_at = $2 WHERE id = $1`, [b.id, eventTime(e.takenDownAt)]);
    let row = b;
    if (b.state === 'created' || b.state === 'live') row = await this.transitions.end(ctx.manager, b, 'taken_down');
    else await ctx.manager.query(`UPDATE broadcast SET end_reason = 'taken_down' WHERE id = $1`, [b.id]);
    if (row.state === 'expired') return this.store.remove(b.id);
    await expireBroadcast(ctx.manager, this.outbox, this.store, row);
  }
}
