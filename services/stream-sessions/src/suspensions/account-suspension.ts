import type { EntityManager } from 'typeorm';
import type { AccountId } from '../broadcasts/broadcast-record.js';
import { AccountSuspendedError } from './suspension.errors.js';

type Queryable = Pick<EntityManager, 'query'>;

/** A suspension as ops' events describe it. */
export interface Suspension {
  accountId: AccountId;
  suspensionId: string;
  suspendedAt: Date;
  /** null: for good (until lifted). */
  until: Date | null;
}

/** The account's suspension in force now, if any: not lifted and not past its `until`. */
export async function suspensionInForce(db: Queryable, account: AccountId): Promise<{ until: Date | null } | undefined> {
  const [row]: Array<{ until: Date | null }> = await db.query(
    `SELECT until FROM account_suspension WHERE account_id = $1 AND lifted_at IS NULL AND (until IS NULL OR until > now())`,
    [account],
  );
  return row;
}

export async function assertNotSuspended(db: Queryable, account: AccountId): Promise<void> {
  const suspension = await suspensionInForce(db, account);
  if (suspension) throw new AccountSuspendedError(suspension.until);
}

/**
 * Makes `s` the account's current suspension unless a newer one (by suspended_at) is already
 * stored: the same event again, or an older one arriving late, changes nothing. True when `s`
 * became current and is in force now (not already past its `until`).
 */
export async function recordSuspension(db: Queryable, s: Suspension): Promise<boolean> {
  const [row]: Array<{ in_force: boolean }> = await db.query(
    `INSERT INTO account_suspension (account_id, suspension_id, suspended_at, until) VALUES ($1, $2, $3, $4)
     ON CONFLICT (account_id) DO UPDATE
        SET suspension_id = EXCLUDED.suspension_id, suspended_at = EXCLUDED.suspended_at, until = EXCLUDED.until, lifted_at = NULL
      WHERE account_suspension.suspended_at < EXCLUDED.suspended_at
     RETURNING (until IS NULL OR until > now()) AS in_force`,
    [s.accountId, s.suspensionId, s.suspendedAt, s.until],
  );
  return row?.in_force === true;
}

/** Lifts the account's suspension if `suspensionId` is still its current one; a stale lifting does nothing. */
export async function liftSuspension(db: Queryable, account: AccountId, suspensionId: string, at: Date): Promise<boolean> {
  const [, count]: [unknown[], number] = await db.query(
    `UPDATE account_suspension SET lifted_at = $3 WHERE account_id = $1 AND suspension_id = $2 AND lifted_at IS NULL`,
    [account, suspensionId, at],
  );
  return count > 0;
}
