import type { EntityManager } from 'typeorm';
import type { AccountId } from './account-id.js';
import { AccountDeletedError } from './account.errors.js';

// Advisory lock keys: one per account, one per unordered pair of accounts.
const accountKey = `hashtextextended('account:' || $1, 0)`;

/**
 * Takes, for the rest of the transaction, a shared lock on each account: the purge of a
 * deleted account takes it exclusively, so no edge is written beside a purge. Must come
 * before the transaction writes anything, so waiting here cannot deadlock with a purge.
 */
export async function lockAccounts(manager: EntityManager, ...ids: AccountId[]): Promise<void> {
  for (const id of [...new Set(ids)].sort()) {
    await manager.query(`SELECT pg_advisory_xact_lock_shared(${accountKey})`, [id]);
  }
}

/** Refuses accounts that were deleted; call with their locks held, so the answer stays true. */
export async function assertNotDeleted(manager: EntityManager, ...ids: AccountId[]): Promise<void> {
  const deleted: Array<{ account_id: AccountId }> = await manager.query(
    'SELECT account_id FROM deleted_account WHERE account_id = ANY($1::uuid[])',
    [ids],
  );
  if (deleted.length > 0) throw new AccountDeletedError(deleted[0].account_id);
}

/**
 * `lockAccounts` for both, then serializes every change to the relation between the two
 * (follow either way, block either way) until the transaction ends: "block" and a racing
 * "follow" cannot both see the state before the other and leave a follow beside a block.
 */
export async function lockPair(manager: EntityManager, a: AccountId, b: AccountId): Promise<void> {
  await lockAccounts(manager, a, b);
  const [low, high] = a < b ? [a, b] : [b, a];
  await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended('pair:' || $1 || ':' || $2, 0))`, [
    low,
    high,
  ]);
}

/** Exclusive: waits for every transaction writing an edge of this account, blocks new ones. */
export async function lockAccountForPurge(manager: EntityManager, id: AccountId): Promise<void> {
  await manager.query(`SELECT pg_advisory_xact_lock(${accountKey})`, [id]);
}
