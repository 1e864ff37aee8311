import { Injectable } from '@nestjs/common';
import { FollowDeletedReason } from '@onair/contracts';
import { DataSource } from 'typeorm';
import type { AccountId } from '../accounts/account-id.js';
import { assertNotDeleted, lockPair } from '../accounts/account-locks.js';
import { blockedEitherWay, hasBlocked } from '../blocks/block-queries.js';
import { BlockedError } from '../blocks/block.errors.js';
import { keysetSql, toPage, type Page, type PageRequest } from '../pagination/page-query.js';
import { FollowEdges } from './follow-edges.js';
import { CannotFollowSelfError } from './follow.errors.js';

export interface FollowView {
  followerId: AccountId;
  followeeId: AccountId;
  followedAt: string;
}

export interface AccountListItem {
  accountId: AccountId;
  followedAt: string;
}

export interface FollowCounts {
  accountId: AccountId;
  followers: number;
  following: number;
}

interface EdgeRow {
  account_id: AccountId;
  created_at: Date;
  micros: string;
}

// Which side of the edge a list walks, and through which index (see the follows migration).
const lists = {
  followers: { owner: 'followee_id', other: 'follower_id' },
  following: { owner: 'follower_id', other: 'followee_id' },
} as const;

@Injectable()
export class FollowsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly edges: FollowEdges,
  ) {}

  /** Idempotent: following again changes nothing and publishes nothing. */
  async follow(follower: AccountId, followee: AccountId): Promise<FollowView & { created: boolean }> {
    if (follower === followee) throw new CannotFollowSelfError();
    return this.dataSource.transaction(async (manager) => {
      await lockPair(manager, follower, followee);
      await assertNotDeleted(manager, follower, followee);
      if (await blockedEitherWay(manager, follower, followee)) throw new BlockedError();
      const { created, since } = await this.edges.add(manager, follower, followee);
      return { followerId: follower, followeeId: followee, followedAt: since.toISOString(), created };
    });
  }

  /** Idempotent: unfollowing an account one does not follow is a no-op. */
  async unfollow(follower: AccountId, followee: AccountId): Promise<void> {
    if (follower === followee) throw new CannotFollowSelfError();
    await this.dataSource.transaction(async (manager) => {
      await lockPair(manager, follower, followee);
      await this.edges.remove(manager, follower, followee, FollowDeletedReason.UNFOLLOWED);
    });
  }

  async isFollowing(
    follower: AccountId,
    followee: AccountId,
  ): Promise<{ following: boolean; followedAt: string | null }> {
    const rows: Array<{ created_at: Date }> = await this.dataSource.query(
      'SELECT created_at FROM follow WHERE followee_id = $1 AND follower_id = $2',
      [followee, follower],
    );
    return { following: rows.length > 0, followedAt: rows[0]?.created_at.toISOString() ?? null };
  }

  /** Newest first. */
  async list(which: keyof typeof lists, owner: AccountId, page: PageRequest): Promise<Page<AccountListItem>> {
    const { owner: ownerColumn, other } = lists[which];
    const keyset = keysetSql('created_at', other, 3);
    const rows: EdgeRow[] = await this.dataSource.query(
      `SELECT ${other} AS account_id, created_at, ${keyset.micros}
         FROM follow
        WHERE ${ownerColumn} = $1 ${page.after ? `AND ${keyset.after}` : ''}
        ${keyset.order}
        LIMIT $2`,
      page.after ? [owner, page.limit + 1, page.after.micros, page.after.id] : [owner, page.limit + 1],
    );
    return toPage(
      rows,
      page.limit,
      (r) => ({ micros: r.micros, id: r.account_id }),
      (r) => ({ accountId: r.account_id, followedAt: r.created_at.toISOString() }),
    );
  }

  async counts(accountId: AccountId): Promise<FollowCounts> {
    const rows: Array<{ followers: string; following: string }> = await this.dataSource.query(
      'SELECT followers, following FROM follow_count WHERE account_id = $1',
      [accountId],
    );
    return {
      accountId,
      followers: Number(rows[0]?.followers ?? 0),
      following: Number(rows[0]?.following ?? 0),
    };
  }

  /**
   * Someone an account blocked does not see its lists or its counts (nor learns whom it
   * follows through "does A follow B").
   */
  async assertVisibleTo(viewer: AccountId, ...owners: AccountId[]): Promise<void> {
    for (const owner of owners) {
      if (owner !== viewer && (await hasBlocked(this.dataSource, owner, viewer))) throw new BlockedError();
    }
  }
}
