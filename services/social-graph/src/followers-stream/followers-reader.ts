import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AccountId } from '../accounts/account-id.js';
import { idPages } from '../pagination/id-pages.js';

/**
 * Reads all followers of an account in follower-id order (pagination/id-pages.ts), each page
 * a range of the primary key (followee_id, follower_id), read from its index alone.
 */
@Injectable()
export class FollowersReader {
  constructor(private readonly dataSource: DataSource) {}

  /** Pages of `pageSize` ids (the last one shorter), from the first follower after `startAfter`. */
  pages(followee: AccountId, pageSize: number, startAfter?: AccountId): AsyncGenerator<string[]> {
    return idPages((after, limit) => this.page(followee, after, limit), pageSize, startAfter);
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
