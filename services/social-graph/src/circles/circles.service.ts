import { create } from '@bufbuild/protobuf';
import { timestampNow } from '@bufbuild/protobuf/wkt';
import { Injectable } from '@nestjs/common';
import { CircleDeletedEvent, CircleDeletedSchema } from '@onair/contracts';
import { Outbox } from '@onair/kafka';
import { randomUUID } from 'node:crypto';
import { DataSource, QueryFailedError } from 'typeorm';
import type { AccountId } from '../accounts/account-id.js';
import { assertNotDeleted, lockAccounts } from '../accounts/account-locks.js';
import { CircleLimitReachedError, CircleNameTakenError, CircleNotFoundError } from './circle.errors.js';
import { MAX_CIRCLES_PER_OWNER, type CircleId } from './circle.schemas.js';

export interface CircleView {
  id: CircleId;
  name: string;
  memberCount: number;
  createdAt: string;
}

interface CircleRow {
  id: CircleId;
  name: string;
  member_count: string;
  created_at: Date;
}

const view = (r: CircleRow): CircleView => ({
  id: r.id,
  name: r.name,
  memberCount: Number(r.member_count),
  createdAt: r.created_at.toISOString(),
});

const SELECT_CIRCLE = `
  SELECT c.id, c.name, c.created_at, (SELECT count(*) FROM circle_member m WHERE m.circle_id = c.id) AS member_count
    FROM circle c`;

/** An account's circles: named groups of its followers, for private broadcasts. */
@Injectable()
export class CirclesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
  ) {}

  async create(owner: AccountId, name: string): Promise<CircleView> {
    try {
      return await this.dataSource.transaction(async (manager) => {
        await lockAccounts(manager, owner);
        await assertNotDeleted(manager, owner);
        // One creation at a time per owner, so two racing requests cannot both pass the limit.
        await manager.query(`SELECT pg_advisory_xact_lock(hashtextextended('circles:' || $1, 0))`, [owner]);
        const [{ n }]: Array<{ n: number }> = await manager.query(
          'SELECT count(*)::int AS n FROM circle WHERE owner_id = $1',
          [owner],
        );
        if (n >= MAX_CIRCLES_PER_OWNER) throw new CircleLimitReachedError(MAX_CIRCLES_PER_OWNER);
        const [row]: Array<{ id: CircleId; created_at: Date }> = await manager.query(
          'INSERT INTO circle (id, owner_id, name) VALUES ($1, $2, $3) RETURNING id, created_at',
          [randomUUID(), owner, name],
        );
        return { id: row.id, name, memberCount: 0, createdAt: row.created_at.toISOString() };
      });
    } catch (err) {
      throw nameTaken(err, name) ?? err;
    }
  }

  async rename(owner: AccountId, circleId: CircleId, name: string): Promise<CircleView> {
    try {
      const [updated] = (await this.dataSource.query(
        'UPDATE circle SET name = $3 WHERE id = $1 AND owner_id = $2 RETURNING id',
        [circleId, owner, name],
      )) as [unknown[], number];
      if (updated.length === 0) throw new CircleNotFoundError(circleId);
    } catch (err) {
      throw nameTaken(err, name) ?? err;
    }
    return this.get(owner, circleId);
  }

  /** Idempotent; memberships go with the circle, and `circle.deleted.v1` says so (once). */
  async remove(owner: AccountId, circleId: CircleId): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const [deleted]: [unknown[], number] = await manager.query('DELETE FROM circle WHERE id = $1 AND owner_id = $2 RETURNING id', [circleId, owner]);
      if (deleted.length === 0) return;
      await this.outbox.add(manager, CircleDeletedEvent, create(CircleDeletedSchema, { circleId, ownerId: owner, deletedAt: timestampNow() }));
    });
  }

  async get(owner: AccountId, circleId: CircleId): Promise<CircleView> {
    const rows: CircleRow[] = await this.dataSource.query(
      `${SELECT_CIRCLE} WHERE c.id = $1 AND c.owner_id = $2`,
      [circleId, owner],
    );
    if (rows.length === 0) throw new CircleNotFoundError(circleId);
    return view(rows[0]);
  }

  /** All of them, oldest first: there are at most MAX_CIRCLES_PER_OWNER. */
  async list(owner: AccountId): Promise<{ items: CircleView[] }> {
    const rows: CircleRow[] = await this.dataSource.query(
      `${SELECT_CIRCLE} WHERE c.owner_id = $1 ORDER BY c.created_at, c.id`,
      [owner],
    );
    return { items: rows.map(view) };
  }
}

function nameTaken(err: unknown, name: string) {
  if (!(err instanceof QueryFailedError)) return undefined;
  const { code, constraint } = err.driverError as { code?: string; constraint?: string };
  return code === '23505' && constraint === 'circle_owner_name_key'
    ? new CircleNameTakenError(name)
    : undefined;
}
