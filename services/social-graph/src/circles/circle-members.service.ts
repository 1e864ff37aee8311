import { create } from '@bufbuild/protobuf';
import { timestampNow } from '@bufbuild/protobuf/wkt';
import { Injectable } from '@nestjs/common';
import { CircleMemberRemovedEvent, CircleMemberRemovedSchema } from '@onair/contracts';
import { Outbox } from '@onair/kafka';
import { DataSource, QueryFailedError, type EntityManager } from 'typeorm';
import type { AccountId } from '../accounts/account-id.js';
import { assertNotDeleted, lockAccounts } from '../accounts/account-locks.js';
import { keysetSql, toPage, type Page, type PageRequest } from '../pagination/page-query.js';
import { CircleFullError, CircleNotFoundError, NotAFollowerError } from './circle.errors.js';
import { MAX_MEMBERS_PER_CIRCLE, type CircleId } from './circle.schemas.js';

export interface MemberView {
  accountId: AccountId;
  addedAt: string;
}

/**
 * Members of a circle. "A member follows the owner" is held by a foreign key from the
 * membership to the follow edge (see the circles migration): adding a non-follower fails
 * there, and an unfollow, a block or an account deletion removes the membership with the
 * edge, even when it races with the add.
 */
@Injectable()
export class CircleMembersService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
  ) {}

  /** Idempotent: adding a member again changes nothing. */
  async add(
    owner: AccountId,
    circleId: CircleId,
    member: AccountId,
  ): Promise<MemberView & { created: boolean }> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        // Before any row lock: a purge of either account then waits for this add, or the
        // other way round, instead of the two locking each other out.
        await lockAccounts(manager, owner, member);
        await assertNotDeleted(manager, owner, member);
        // Locks the circle: adds to one circle run one at a time, so the size limit holds.
        await this.ownedCircle(manager, owner, circleId, true);
        const existing: Array<{ added_at: Date }> = await manager.query(
          'SELECT added_at FROM circle_member WHERE circle_id = $1 AND member_id = $2',
          [circleId, member],
        );
        if (existing.length > 0) {
          return { accountId: member, addedAt: existing[0].added_at.toISOString(), created: false };
        }
        const [{ n }]: Array<{ n: number }> = await manager.query(
          'SELECT count(*)::int AS n FROM circle_member WHERE circle_id = $1',
          [circleId],
        );
        if (n >= MAX_MEMBERS_PER_CIRCLE) throw new CircleFullError(MAX_MEMBERS_PER_CIRCLE);
        const [row]: Array<{ added_at: Date }> = await manager.query(
          'INSERT INTO circle_member (circle_id, owner_id, member_id) VALUES ($1, $2, $3) RETURNING added_at',
          [circleId, owner, member],
        );
        return { accountId: member, addedAt: row.added_at.toISOString(), created: true };
      });
    } catch (err) {
      throw this.foreignKeyViolation(err, circleId, member) ?? err;
    }
  }

  /**
   * Idempotent: removing a non-member is a no-op (the circle must still be the caller's). A
   * removal publishes `circle.member_removed.v1` in the same transaction: a private broadcast
   * the member is watching stops for them.
   */
  async remove(owner: AccountId, circleId: CircleId, member: AccountId): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await this.ownedCircle(manager, owner, circleId);
      const [removed]: [unknown[], number] = await manager.query(
        'DELETE FROM circle_member WHERE circle_id = $1 AND member_id = $2 RETURNING member_id',
        [circleId, member],
      );
      if (removed.length === 0) return;
      await this.outbox.add(
        manager,
        CircleMemberRemovedEvent,
        create(CircleMemberRemovedSchema, { circleId, ownerId: owner, memberId: member, removedAt: timestampNow() }),
      );
    });
  }

  /** Newest first; only the owner may list. */
  async list(owner: AccountId, circleId: CircleId, page: PageRequest): Promise<Page<MemberView>> {
    await this.ownedCircle(this.dataSource.manager, owner, circleId);
    const keyset = keysetSql('added_at', 'member_id', 3);
    const rows: Array<{ member_id: AccountId; added_at: Date; micros: string }> = await this.dataSource.query(
      `SELECT member_id, added_at, ${keyset.micros}
         FROM circle_member
        WHERE circle_id = $1 ${page.after ? `AND ${keyset.after}` : ''}
        ${keyset.order}
        LIMIT $2`,
      page.after ? [circleId, page.limit + 1, page.after.micros, page.after.id] : [circleId, page.limit + 1],
    );
    return toPage(
      rows,
      page.limit,
      (r) => ({ micros: r.micros, id: r.member_id }),
      (r) => ({ accountId: r.member_id, addedAt: r.added_at.toISOString() }),
    );
  }

  /** For other services (private broadcasts); the owner is not a member of their own circle. */
  /** Whether `accountId` is in the circle, and whose circle it is; CircleNotFoundError if none. */
  async membership(circleId: CircleId, accountId: AccountId): Promise<{ member: boolean; ownerId: AccountId }> {
    const [row]: Array<{ owner_id: AccountId; member: boolean }> = await this.dataSource.query(
      `SELECT c.owner_id, EXISTS (SELECT 1 FROM circle_member WHERE circle_id = $1 AND member_id = $2) AS member
         FROM circle c WHERE c.id = $1`,
      [circleId, accountId],
    );
    if (!row) throw new CircleNotFoundError(circleId);
    return { member: row.member, ownerId: row.owner_id };
  }

  private async ownedCircle(
    manager: EntityManager,
    owner: AccountId,
    circleId: CircleId,
    forUpdate = false,
  ): Promise<void> {
    const lock = forUpdate ? 'FOR UPDATE' : '';
    const rows: unknown[] = await manager.query(
      `SELECT 1 FROM circle WHERE id = $1 AND owner_id = $2 ${lock}`,
      [circleId, owner],
    );
    if (rows.length === 0) throw new CircleNotFoundError(circleId);
  }

  private foreignKeyViolation(err: unknown, circleId: CircleId, member: AccountId) {
    if (!(err instanceof QueryFailedError)) return undefined;
    const { code, constraint } = err.driverError as { code?: string; constraint?: string };
    if (code !== '23503') return undefined;
    if (constraint === 'circle_member_follow_fkey') return new NotAFollowerError(member);
    if (constraint === 'circle_member_circle_fkey') return new CircleNotFoundError(circleId);
    return undefined;
  }
}
