import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { AccountSuspendedEvent, AccountSuspendedSchema } from '@onair/contracts';
import type { Outbox } from '@onair/kafka';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { appendAudit } from '../audit/audit-log.js';
import { actionReports } from '../reports/report-store.js';
import { inForce, lockSuspensions, newestSuspension, requireAdminForStaff } from './account-suspension.js';
import { CannotSuspendSelfError, SuspensionTooLongError, SuspensionUntilPastError } from './suspension.errors.js';

/** Beyond this, a timed suspension is "for good" in effect; the operator says so by leaving `until` out. */
export const MAX_SUSPENSION_YEARS = 10;
const MAX_MS = MAX_SUSPENSION_YEARS * 365.25 * 24 * 3600 * 1000;

export interface SuspensionOrder {
  accountId: string;
  actorId: string;
  /** From the actor's access token, which no revoked role outlives. */
  actorIsAdmin: boolean;
  reason: string;
  /** Absent: for good (until lifted). */
  until?: Date;
}

export interface Suspension {
  id: string;
  accountId: string;
  suspendedAt: string;
  until: string | null;
  auditEntryId: string;
  /** The account's open reports this suspension closed (now actioned). */
  actionedReports: number;
}

/**
 * Suspends an account in the caller's transaction: the suspension row (replacing the account's
 * current one), the audit entry, the account's open reports actioned and
 * ops.account_suspended.v1 in the outbox commit together or not at all. identity, stream-sessions
 * and chat apply the event. ops keeps no copy of accounts, so any id is accepted; the services
 * ignore an unknown one. Nobody suspends themselves, and only an admin suspends staff (as far as
 * identity's role events have reached ops: a role granted a moment ago may not protect yet).
 */
export async function suspendAccount(m: EntityManager, outbox: Outbox, order: SuspensionOrder): Promise<Suspension> {
  const { accountId, actorId, reason } = order;
  if (accountId === actorId) throw new CannotSuspendSelfError();
  await requireAdminForStaff(m, accountId, order.actorIsAdmin, 'suspend');
  await lockSuspensions(m, accountId);
  const previous = await newestSuspension(m, accountId);
  // Milliseconds, as the audit log's cursors carry them; strictly after the previous suspension,
  // because every consumer keeps the one with the newest suspended_at.
  const now = Math.floor(Date.now());
  const at = new Date(previous ? Math.max(now, previous.suspended_at.getTime() + 1) : now);
  const until = order.until ? new Date(Math.floor(order.until.getTime())) : null;
  if (until && until <= at) throw new SuspensionUntilPastError(until);
  if (until && until.getTime() - at.getTime() > MAX_MS) throw new SuspensionTooLongError(MAX_SUSPENSION_YEARS);

  const id = randomUUID();
  await m.query(
    'INSERT INTO account_suspension (id, account_id, actor_account_id, reason, suspended_at, until) VALUES ($1, $2, $3, $4, $5, $6)',
    [id, accountId, actorId, reason, at, until],
  );
  const actionedReports = await actionReports(m, { targetType: 'account', targetId: accountId });
  const replaced = previous && inForce(previous, at) ? previous.id : null;
  const audit = await appendAudit(m, {
    actorAccountId: actorId,
    action: 'account_suspended',
    targetType: 'account',
    targetId: accountId,
    reason,
    at,
    details: { suspensionId: id, until: until?.toISOString() ?? null, replacedSuspensionId: replaced, actionedReports },
  });
  await outbox.add(
    m,
    AccountSuspendedEvent,
    create(AccountSuspendedSchema, {
      accountId,
      suspensionId: id,
      actorAccountId: actorId,
      reason,
      suspendedAt: timestampFromDate(at),
      ...(until ? { until: timestampFromDate(until) } : {}),
    }),
  );
  return { id, accountId, suspendedAt: at.toISOString(), until: until?.toISOString() ?? null, auditEntryId: audit.id, actionedReports };
}
