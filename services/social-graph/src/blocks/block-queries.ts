import type { EntityManager } from 'typeorm';
import type { AccountId } from '../accounts/account-id.js';

type Queryable = Pick<EntityManager, 'query'>;

/** True when either account blocked the other. */
export async function blockedEitherWay(db: Queryable, a: AccountId, b: AccountId): Promise<boolean> {
  const rows: unknown[] = await db.query(
    `SELECT 1 FROM block
      WHERE (blocker_id = $1 AND blocked_id = $2) OR (blocker_id = $2 AND blocked_id = $1)
      LIMIT 1`,
    [a, b],
  );
  return rows.length > 0;
}

/** True when `blocker` blocked `blocked` (one direction). */
export async function hasBlocked(db: Queryable, blocker: AccountId, blocked: AccountId): Promise<boolean> {
  const rows: unknown[] = await db.query('SELECT 1 FROM block WHERE blocker_id = $1 AND blocked_id = $2', [
    blocker,
    blocked,
  ]);
  return rows.length > 0;
}
