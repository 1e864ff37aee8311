import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { AccountSuspensionLiftedEvent, AccountSuspensionLiftedSchema } from '@onair/contracts';
import type { Outbox } from '@onair/kafka';
import type { EntityManager } from 'typeorm';
import { appendAudit } from '../audit/audit-log.js';
import { inForce, lockSuspensions, newestSuspension, requireAdminForStaff } from './account-suspension.js';
import { NotSuspendedError } from './suspension.errors.js';

export interface LiftedSuspension {
  /** The suspension's id (the one lifted). */
  id: string;
  accountId: string;
  liftedAt: string;
  auditEntryId: string;
}

/**
 * Lifts the account's current suspension in the caller's transaction: the row marked lifted, the
 * audit entry and ops.account_suspension_lifted.v1 (naming the suspension) in the outbox. The
 * account's old sessions stay ended; it may sign in again. A staff account's suspension only an
 * admin lifts, as only an admin placed it.
 */
export async function liftSuspension(m: EntityManager, outbox: Outbox, accountId: string, actor: { id: string; isAdmin: boolean }, reason: string): Promise<LiftedSuspension> {
  await requireAdminForStaff(m, accountId, actor.isAdmin, 'lift');
  await lockSuspensions(m, accountId);
  const at = new Date(Math.floor(Date.now()));
  const current = await newestSuspension(m, accountId);
  if (!current || !inForce(current, at)) throw new NotSuspendedError('conflict');
  await m.query('UPDATE account_suspension SET lifted_at = $2, lifted_by = $3, lift_reason = $4 WHERE id = $1', [current.id, at, actor.id, reason]);
  const audit = await appendAudit(m, {
    actorAccountId: actor.id,
    action: 'account_suspension_lifted',
    targetType: 'account',
    targetId: accountId,
    reason,
    at,
    details: { suspensionId: current.id },
  });
  await outbox.add(
    m,
    AccountSuspensionLiftedEvent,
    create(AccountSuspensionLiftedSchema, { accountId, suspensionId: current.id, actorAccountId: actor.id, reason, liftedAt: timestampFromDate(at) }),
  );
  return { id: current.id, accountId, liftedAt: at.toISOString(), auditEntryId: audit.id };
}
