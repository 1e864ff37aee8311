import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { BroadcastExpiredEvent, BroadcastExpiredSchema } from '@onair/contracts';
import type { Outbox } from '@onair/kafka';
import type { ReplayReader } from '@onair/replay-store';
import type { EntityManager } from 'typeorm';
import type { BroadcastRow } from '../broadcasts/broadcast-record.js';

/**
 * ended|replay_ready → expired in the caller's transaction, on a row the caller locked: the
 * replay's files deleted, BroadcastExpired (chat deletes the chat replay, discovery forgets it).
 * The files go first; if the commit then fails, the next attempt deletes nothing more and commits.
 * Used by the expiry sweeper and by a takedown.
 */
export async function expireBroadcast(manager: EntityManager, outbox: Outbox, store: ReplayReader, b: BroadcastRow): Promise<BroadcastRow> {
  await store.remove(b.id);
  const [[row]]: [BroadcastRow[]] = await manager.query(`UPDATE broadcast SET state = 'expired', expired_at = now() WHERE id = $1 RETURNING *`, [b.id]);
  await outbox.add(
    manager,
    BroadcastExpiredEvent,
    create(BroadcastExpiredSchema, { broadcastId: row.id, ownerId: row.owner_id, expiredAt: timestampFromDate(row.expired_at!) }),
  );
  return row;
}
