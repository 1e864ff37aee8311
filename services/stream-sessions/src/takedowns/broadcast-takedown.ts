import { Inject, Injectable } from '@nestjs/common';
import { Outbox } from '@onair/kafka';
import type { ReplayReader } from '@onair/replay-store';
import type { EntityManager } from 'typeorm';
import type { BroadcastRow } from '../broadcasts/broadcast-record.js';
import { BroadcastTransitions } from '../broadcasts/broadcast-transitions.js';
import { expireBroadcast } from '../replays/expire-broadcast.js';
import { REPLAY_STORE } from '../replays/replay-store.token.js';

/**
 * Taking a broadcast down, whoever decided it (an operator's takedown, an account's suspension):
 * a live (or created) broadcast ends at once with reason taken_down through the owner's end path
 * (broadcast.ended.v1: the SFU closes its rooms, chat its room, discovery drops it), then a
 * broadcast not expired yet goes straight to expired (its replay files deleted,
 * broadcast.expired.v1). taken_down_at stays on the row: no ticket, no going live again, no
 * recording becoming a replay.
 */
@Injectable()
export class BroadcastTakedown {
  constructor(
    private readonly outbox: Outbox,
    private readonly transitions: BroadcastTransitions,
    @Inject(REPLAY_STORE) private readonly store: ReplayReader,
  ) {}

  /** In the caller's transaction, on a row it locked and that is not taken down yet. */
  async takeDown(manager: EntityManager, b: BroadcastRow, at: Date): Promise<void> {
    await manager.query(`UPDATE broadcast SET taken_down_at = $2 WHERE id = $1`, [b.id, at]);
    let row = b;
    if (b.state === 'created' || b.state === 'live') row = await this.transitions.end(manager, b, 'taken_down');
    else await manager.query(`UPDATE broadcast SET end_reason = 'taken_down' WHERE id = $1`, [b.id]);
    if (row.state === 'expired') return this.store.remove(b.id);
    await expireBroadcast(manager, this.outbox, this.store, row);
  }
}
