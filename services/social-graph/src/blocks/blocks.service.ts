import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Injectable } from '@nestjs/common';
import {
  BlockCreatedEvent,
  BlockCreatedSchema,
  BlockDeletedEvent,
  BlockDeletedSchema,
  FollowDeletedReason,
} from '@onair/contracts';
import { Outbox } from '@onair/kafka';
import { DataSource } from 'typeorm';
import type { AccountId } from '../accounts/account-id.js';
import { assertNotDeleted, lockPair } from '../accounts/account-locks.js';
import { FollowEdges } from '../follows/follow-edges.js';
import { keysetSql, toPage, type Page, type PageRequest } from '../pagination/page-query.js';
import { blockedEitherWay } from './block-queries.js';
import { CannotBlockSelfError } from './block.errors.js';

export interface BlockView {
  blockerId: AccountId;
  blockedId: AccountId;
  blockedAt: string;
}

@Injectable()
export class BlocksService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly edges: FollowEdges,
    private readonly outbox: Outbox,
  ) {}

  /**
   * Idempotent. A new block removes the follows between the two, both ways, in the same
   * transaction (each with its follow.deleted.v1, reason BLOCKED).
   */
  async block(blocker: AccountId, blocked: AccountId): Promise<BlockView & { created: boolean }> {
    if (blocker === blocked) throw new CannotBlockSelfError();
    return this.dataSource.transaction(async (manager) => {
      await lockPair(manager, blocker, blocked);
      await assertNotDeleted(manager, blocker, blocked);
      const inserted: Array<{ created_at: Date }> = await manager.query(
        'INSERT INTO block (blocker_id, blocked_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING created_at',
        [blocker, blocked],
      );
      if (inserted.length === 0) {
        const [existing]: Array<{ created_at: Date }> = await manager.query(
          'SELECT created_at FROM block WHERE blocker_id = $1 AND blocked_id = $2',
          [blocker, blocked],
        );
        return {
          blockerId: blocker,
          blockedId: blocked,
          blockedAt: existing.created_at.toISOString(),
          created: false,
        };
      }
      const since = inserted[0].created_at;
      await this.edges.remove(manager, blocker, blocked, FollowDeletedReason.BLOCKED);
      await this.edges.remove(manager, blocked, blocker, FollowDeletedReason.BLOCKED);
      await this.outbox.add(
        manager,
        BlockCreatedEvent,
        create(BlockCreatedSchema, {
          blockerId: blocker,
          blockedId: blocked,
          createdAt: timestampFromDate(since),
        }),
      );
      return { blockerId: blocker, blockedId: blocked, blockedAt: since.toISOString(), created: true };
    });
  }

  /** Idempotent. Follows removed by the block stay removed. */
  async unblock(blocker: AccountId, blocked: AccountId): Promise<void> {
    if (blocker === blocked) throw new CannotBlockSelfError();
    await this.dataSource.transaction(async (manager) => {
      await lockPair(manager, blocker, blocked);
      const [deleted] = (await manager.query(
        'DELETE FROM block WHERE blocker_id = $1 AND blocked_id = $2 RETURNING 1',
        [blocker, blocked],
      )) as [unknown[], number];
      if (deleted.length === 0) return;
      await this.outbox.add(
        manager,
        BlockDeletedEvent,
        create(BlockDeletedSchema, {
          blockerId: blocker,
          blockedId: blocked,
          deletedAt: timestampFromDate(new Date()),
        }),
      );
    });
  }

  /** The accounts `blocker` blocked, newest first. */
  async list(
    blocker: AccountId,
    page: PageRequest,
  ): Promise<Page<{ accountId: AccountId; blockedAt: string }>> {
    const keyset = keysetSql('created_at', 'blocked_id', 3);
    const rows: Array<{ blocked_id: AccountId; created_at: Date; micros: string }> =
      await this.dataSource.query(
        `SELECT blocked_id, created_at, ${keyset.micros}
         FROM block
        WHERE blocker_id = $1 ${page.after ? `AND ${keyset.after}` : ''}
        ${keyset.order}
        LIMIT $2`,
        page.after ? [blocker, page.limit + 1, page.after.micros, page.after.id] : [blocker, page.limit + 1],
      );
    return toPage(
      rows,
      page.limit,
      (r) => ({ micros: r.micros, id: r.blocked_id }),
      (r) => ({ accountId: r.blocked_id, blockedAt: r.created_at.toISOString() }),
    );
  }

  isBlocked(a: AccountId, b: AccountId): Promise<boolean> {
    return blockedEitherWay(this.dataSource, a, b);
  }
}
