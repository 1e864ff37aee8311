import type { EntityManager } from 'typeorm';
import { heldStaffRoles } from '../staff-roles/staff-roles.js';
import { StaffSuspensionNeedsAdminError } from './suspension.errors.js';

export interface SuspensionRow {
  id: string;
  account_id: string;
  actor_account_id: string;
  reason: string;
  suspended_at: Date;
  until: Date | null;
  lifted_at: Date | null;
}

/**
 * Only an admin suspends a staff account or lifts its suspension (as far as identity's role
 * events have reached ops): one operator's slip or grudge cannot lock a colleague out.
 */
export async function requireAdminForStaff(m: EntityManager, accountId: string, actorIsAdmin: boolean, action: 'suspend' | 'lift'): Promise<void> {
  if (actorIsAdmin) return;
  const staff = await heldStaffRoles(m, accountId);
  if (staff.length > 0) throw new StaffSuspensionNeedsAdminError(staff, action);
}

/**
 * Serialises every write to one account's suspensions for the rest of the transaction: two
 * operators acting at once see each other's row, and suspended_at grows strictly per account.
 */
export async function lockSuspensions(m: EntityManager, accountId: string): Promise<void> {
  await m.query(`SELECT pg_advisory_xact_lock(hashtextextended('ops:account-suspension:' || $1, 0))`, [accountId]);
}

/** The account's newest suspension in any state (it replaced every older one). */
export async function newestSuspension(m: EntityManager, accountId: string): Promise<SuspensionRow | undefined> {
  const [row]: SuspensionRow[] = await m.query(
    `SELECT id, account_id, actor_account_id, reason, suspended_at, until, lifted_at
       FROM account_suspension WHERE account_id = $1 ORDER BY suspended_at DESC LIMIT 1`,
    [accountId],
  );
  return row;
}

/** In force at `now`: not lifted, and for good or not over yet. A timed one ends on its own. */
export const inForce = (s: SuspensionRow, now: Date) => !s.lifted_at && (!s.until || s.until > now);

/** The suspension in force now, if any. */
export async function currentSuspension(m: EntityManager, accountId: string): Promise<SuspensionRow | undefined> {
  const newest = await newestSuspension(m, accountId);
  return newest && inForce(newest, new Date()) ? newest : undefined;
}
