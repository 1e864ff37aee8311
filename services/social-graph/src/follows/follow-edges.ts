import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Injectable } from '@nestjs/common';
import {
  FollowCreatedEvent,
  FollowCreatedSchema,
  FollowDeletedEvent,
  FollowDeletedReason,
  FollowDeletedSchema,
} from '@onair/contracts';
import { Outbox } from '@onair/kafka';
import type { EntityManager } from 'typeorm';
import type { AccountId } from '../accounts/account-id.js';

/**
 * The one writer of follow edges: an edge, its two counters and its event change together,
 * in the caller's transaction. Every method assumes the caller holds `lockPair` for the two
 * accounts (follows and blocks both write edges).
 */
@Injectable()
export class FollowEdges {
  constructor(private readonly outbox: Outbox) {}

  /** Creates the edge unless it exists; `created` says which, `since` when it was made. */
  async add(
    manager: EntityManager,
    follower: AccountId,
    followee: AccountId,
  ): Promise<{ created: boolean; since: Date }> {
    const inserted: Array<{ created_at: Date }> = await manager.query(
      `INSERT INTO follow (followee_id, follower_id) VALUES ($1, $2)
       ON CONFLICT DO NOTHING RETURNING created_at`,
      [followee, follower],
    );
    if (inserted.length === 0) {
      const [existing]: Array<{ created_at: Date }> = await manager.query(
        'SELECT created_at FROM follow WHERE followee_id = $1 AND follower_id = $2',
        [followee, follower],
      );
      return { created: false, since: existing.created_at };
    }
    const since = inserted[0].created_at;
    await this.count(manager, follower, followee, 1);
    await this.outbox.add(
      manager,
      FollowCreatedEvent,
      create(FollowCreatedSchema, {
        followerId: follower,
        followeeId: followee,
        createdAt: timestampFromDate(since),
      }),
    );
    return { created: true, since };
  }

  /**
   * Deletes the edge if it exists (and with it, by foreign key, the follower's memberships in
   * the followee's circles). True when there was one.
   */
  async remove(
    manager: EntityManager,
    follower: AccountId,
    followee: AccountId,
    reason: FollowDeletedReason,
  ): Promise<boolean> {
    const [deleted] = (await manager.query(
      'DELETE FROM follow WHERE followee_id = $1 AND follower_id = $2 RETURNING 1',
      [followee, follower],
    )) as [unknown[], number];
    if (deleted.length === 0) return false;
    await this.count(manager, follower, followee, -1);
    await this.outbox.add(
      manager,
      FollowDeletedEvent,
      create(FollowDeletedSchema, {
        followerId: follower,
        followeeId: followee,
        reason,
        deletedAt: timestampFromDate(new Date()),
      }),
    );
    return true;
  }

  /**
   * Both counters in one statement, rows in account-id order: concurrent edges over shared
   * accounts then lock counter rows in the same order and cannot deadlock. A counter never
   * goes below zero: a decrement always follows the removal of an edge that was counted.
   */
  private async count(
    manager: EntityManager,
    follower: AccountId,
    followee: AccountId,
    delta: 1 | -1,
  ): Promise<void> {
    const rows: Array<[AccountId, number, number]> = [
      [followee, delta, 0],
      [follower, 0, delta],
    ];
    rows.sort(([a], [b]) => (a < b ? -1 : 1));
    await manager.query(
      `INSERT INTO follow_count (account_id, followers, following) VALUES ($1, $2, $3), ($4, $5, $6)
       ON CONFLICT (account_id) DO UPDATE
         SET followers = follow_count.followers + EXCLUDED.followers,
             following = follow_count.following + EXCLUDED.following`,
      rows.flat(),
    );
  }
}
