import type { EntityManager } from 'typeorm';
import type { AccountId } from './account-id.js';
import { lockAccountForPurge } from './account-locks.js';

/**
 * Removes every row about an account, in the caller's transaction: its follows both ways
 * (adjusting the counters of the other side), its blocks both ways, the circles it owns and
 * its memberships in others' circles (both by foreign-key cascade), its own counters. It
 * leaves a tombstone, so nothing can point at the account again. Idempotent.
 *
 * No follow.deleted.v1 is published per edge: a celebrity's deletion would flood the topic
 * with a million events, and every consumer handles account.deleted.v1 itself.
 */
export async function purgeAccount(manager: EntityManager, id: AccountId, deletedAt: Date): Promise<void> {
  await lockAccountForPurge(manager, id);
  await manager.query(
    'INSERT INTO deleted_account (account_id, deleted_at) VALUES ($1, $2) ON CONFLICT DO NOTHING',
    [id, deletedAt],
  );
  await removeEdges(manager, id, { owner: 'follower_id', other: 'followee_id', counter: 'followers' });
  await removeEdges(manager, id, { owner: 'followee_id', other: 'follower_id', counter: 'following' });
  await manager.query('DELETE FROM follow_count WHERE account_id = $1', [id]);
  await manager.query('DELETE FROM block WHERE blocker_id = $1 OR blocked_id = $1', [id]);
  await manager.query('DELETE FROM circle WHERE owner_id = $1', [id]);
}

/**
 * Deletes one side of the account's edges and decrements the other ends' counters. Counter
 * rows are locked in account-id order first, the order every follow locks them in, so a purge
 * and concurrent follows between the account's neighbours cannot deadlock.
 */
async function removeEdges(
  manager: EntityManager,
  id: AccountId,
  side: {
    owner: 'follower_id' | 'followee_id';
    other: 'follower_id' | 'followee_id';
    counter: 'followers' | 'following';
  },
): Promise<void> {
  await manager.query(
    `WITH gone AS (DELETE FROM follow WHERE ${side.owner} = $1 RETURNING ${side.other} AS account_id),
          locked AS (SELECT c.account_id FROM follow_count c
                      WHERE c.account_id IN (SELECT account_id FROM gone)
                      ORDER BY c.account_id FOR UPDATE)
     UPDATE follow_count c SET ${side.counter} = c.${side.counter} - 1 FROM locked WHERE c.account_id = locked.account_id`,
    [id],
  );
}
