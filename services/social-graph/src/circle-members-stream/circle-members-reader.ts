import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AccountId } from '../accounts/account-id.js';
import { CircleNotFoundError } from '../circles/circle.errors.js';
import type { CircleId } from '../circles/circle.schemas.js';
import { idPages } from '../pagination/id-pages.js';

/**
 * Reads all members of a circle in member-id order (pagination/id-pages.ts), each page a range
 * of the primary key (circle_id, member_id), read from its index alone.
 */
@Injectable()
export class CircleMembersReader {
  constructor(private readonly dataSource: DataSource) {}

  /** Whose circle it is; CircleNotFoundError when there is no such circle. */
  async owner(circleId: CircleId): Promise<AccountId> {
    const [row]: Array<{ owner_id: AccountId }> = await this.dataSource.query(
      'SELECT owner_id FROM circle WHERE id = $1',
      [circleId],
    );
    if (!row) throw new CircleNotFoundError(circleId);
    return row.owner_id;
  }

  /**
   * Pages of `pageSize` ids (the last one shorter), from the first member after `startAfter`.
   * Always at least one page, empty when no member is left: the caller's only answer may be
   * that page (it carries the owner).
   */
  async *pages(circleId: CircleId, pageSize: number, startAfter?: AccountId): AsyncGenerator<string[]> {
    let none = true;
    for await (const ids of idPages((after, limit) => this.page(circleId, after, limit), pageSize, startAfter)) {
      none = false;
      yield ids;
    }
    if (none) yield [];
  }

  private async page(circleId: CircleId, after: string | undefined, pageSize: number): Promise<string[]> {
    const rows: Array<{ member_id: string }> = await this.dataSource.query(
      `SELECT member_id FROM circle_member
        WHERE circle_id = $1 ${after ? 'AND member_id > $3' : ''}
        ORDER BY member_id
        LIMIT $2`,
      after ? [circleId, pageSize, after] : [circleId, pageSize],
    );
    return rows.map((r) => r.member_id);
  }
}
