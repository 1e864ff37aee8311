import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AccountId } from '../accounts/account-id.js';

/**
 * Reads all followers of an account in follower-id order, one keyset query per page over the
 * primary key (followee_id, follower_id): each page is an index-only range scan that starts
 * where the last one ended, so page 200 costs what page 1 costs (OFFSET would rescan every
 * earlier row). No transaction spans the pages: a slow reader holds no snapshot and no
 * connection between pages.
 */
@Injectable()
export class FollowersReader {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * Yields pages of `pageSize` ids (the last one shorter). The next page is already being read
   * while the caller sends the current one, so the database and the network overlap.
   */
  async *pages(followee: AccountId, pageSize: number): AsyncGenerator<string[]> {
    let next = this.page(followee, undefined, pageSize);
    for (;;) {
      const ids = await next;
      if (ids.length < pageSize) {
        if (ids.length > 0) yield ids;
        return;
      }
      next = this.page(followee, ids[ids.length - 1], pageSize);
      // If the caller stops early, nobody awaits the read-ahead: its failure must not surface.
      next.catch(() => undefined);
      yield ids;
    }
  }

  private async page(followee: AccountId, after: string | undefined, pageSize: number): Promise<string[]> {
    const rows: Array<{ follower_id: string }> = await this.dataSource.query(
      `SELECT follower_id FROM follow
        WHERE followee_id = $1 ${after ? 'AND follower_id > $3' : ''}
        ORDER BY follower_id
        LIMIT $2`,
      after ? [followee, pageSize, after] : [followee, pageSize],
    );
    return rows.map((r) => r.follower_id);
  }
}
