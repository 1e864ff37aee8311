import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { BroadcastTakenDownEvent, BroadcastTakenDownSchema } from '@onair/contracts';
import type { Outbox } from '@onair/kafka';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { appendAudit } from '../audit/audit-log.js';
import { actionReports } from '../reports/report-store.js';
import { AlreadyTakenDownError } from './takedown.errors.js';

export interface Takedown {
  id: string;
  broadcastId: string;
  takenDownAt: string;
  auditEntryId: string;
  /** The broadcast's open reports this takedown closed (now actioned). */
  actionedReports: number;
}

/**
 * Takes a broadcast down in the caller's transaction: the takedown row, the audit entry, the
 * broadcast's open reports actioned and ops.broadcast_taken_down.v1 in the outbox all commit
 * together or not at all. stream-sessions applies the event (ends it, deletes its replay). ops
 * keeps no copy of broadcasts, so any id is accepted; stream-sessions ignores an unknown one.
 */
export async function takeDown(m: EntityManager, outbox: Outbox, broadcastId: string, actorId: string, reason: string): Promise<Takedown> {
  const id = randomUUID();
  // Milliseconds, as the audit log's cursors carry them.
  const at = new Date(Math.floor(Date.now()));
  const inserted: unknown[] = await m.query(
    `INSERT INTO broadcast_takedown (broadcast_id, id, actor_account_id, reason, taken_down_at) VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (broadcast_id) DO NOTHING RETURNING 1`,
    [broadcastId, id, actorId, reason, at],
  );
  if (inserted.length === 0) {
    const [first]: Array<{ taken_down_at: Date }> = await m.query('SELECT taken_down_at FROM broadcast_takedown WHERE broadcast_id = $1', [broadcastId]);
    throw new AlreadyTakenDownError(first.taken_down_at);
  }
  const actionedReports = await actionReports(m, { targetType: 'broadcast', targetId: broadcastId });
  const audit = await appendAudit(m, {
    actorAccountId: actorId,
    action: 'broadcast_taken_down',
    targetType: 'broadcast',
    targetId: broadcastId,
    reason,
    at,
    details: { takedownId: id, actionedReports },
  });
  await outbox.add(
    m,
    BroadcastTakenDownEvent,
    create(BroadcastTakenDownSchema, { broadcastId, actorAccountId: actorId, reason, takenDownAt: timestampFromDate(at) }),
  );
  return { id, broadcastId, takenDownAt: at.toISOString(), auditEntryId: audit.id, actionedReports };
}
