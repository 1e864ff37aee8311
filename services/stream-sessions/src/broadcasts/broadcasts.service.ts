import { create } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Injectable } from '@nestjs/common';
import { BroadcastCreatedEvent, BroadcastCreatedSchema } from '@onair/contracts';
import { Outbox } from '@onair/kafka';
import { SocialGraphClient } from '@onair/social-graph-client';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { AudiencePolicy } from '../admission/audience-policy.js';
import { assertNotSuspended } from '../suspensions/account-suspension.js';
import { findBroadcast, toInfo, toView, type AccountId, type BroadcastId, type BroadcastRow } from './broadcast-record.js';
import type { CreateBroadcastBody } from './broadcast.schemas.js';
import { BroadcastNotFoundError, CircleNotFoundError, InvalidCursorError, NotOwnerError } from './broadcast.errors.js';
import { BroadcastTransitions } from './broadcast-transitions.js';
import { roundLocation } from './location.js';

export type BroadcastView = ReturnType<typeof toView>;

@Injectable()
export class BroadcastsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
    private readonly graph: SocialGraphClient,
    private readonly audience: AudiencePolicy,
    private readonly transitions: BroadcastTransitions,
  ) {}

  async create(owner: AccountId, body: CreateBroadcastBody): Promise<BroadcastView> {
    await assertNotSuspended(this.dataSource, owner);
    const circleId = body.visibility.startsWith('circle:') ? body.visibility.slice('circle:'.length) : null;
    // Only a circle of the broadcaster's own: someone else's circle answers as one that does not
    // exist, so the API tells nobody which circle ids are real.
    if (circleId && (await this.graph.circleMembership(circleId, owner))?.ownerId !== owner) throw new CircleNotFoundError();
    const where = body.location && roundLocation(body.location.latitude, body.location.longitude, body.location.precision);
    return this.dataSource.transaction(async (manager) => {
      const [row]: BroadcastRow[] = await manager.query(
        `INSERT INTO broadcast (id, owner_id, title, topics, language, latitude, longitude, location_precision,
                                visibility, circle_id, state)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'created')
         RETURNING *`,
        [
          randomUUID(),
          owner,
          body.title,
          body.topics,
          body.language,
          where?.latitude ?? null,
          where?.longitude ?? null,
          where?.precision ?? null,
          circleId ? 'circle' : body.visibility,
          circleId,
        ],
      );
      await this.outbox.add(
        manager,
        BroadcastCreatedEvent,
        create(BroadcastCreatedSchema, { broadcastId: row.id, info: toInfo(row), createdAt: timestampFromDate(row.created_at) }),
      );
      return toView(row);
    });
  }

  /** Anyone the audience policy admits may read a broadcast, whatever its state. */
  async get(id: BroadcastId, viewer: AccountId): Promise<BroadcastView> {
    const b = await findBroadcast(this.dataSource, id);
    if (!b) throw new BroadcastNotFoundError();
    await this.audience.assertMayWatch(b, viewer);
    return toView(b);
  }

  /** The owner's broadcasts, newest first, by keyset. */
  async listMine(owner: AccountId, limit: number, cursor?: string): Promise<{ items: BroadcastView[]; nextCursor: string | null }> {
    const after = cursor === undefined ? undefined : decodeCursor(cursor);
    const rows: Array<BroadcastRow & { micros: string }> = await this.dataSource.query(
      `SELECT *, (extract(epoch FROM created_at) * 1000000)::bigint::text AS micros FROM broadcast
        WHERE owner_id = $1
          ${after ? `AND (created_at, id) < (timestamptz 'epoch' + $3::bigint * interval '1 microsecond', $4::uuid)` : ''}
        ORDER BY created_at DESC, id DESC
        LIMIT $2`,
      after ? [owner, limit + 1, after.micros, after.id] : [owner, limit + 1],
    );
    const page = rows.slice(0, limit);
    const last = page[page.length - 1];
    return {
      items: page.map(toView),
      nextCursor: rows.length > limit ? Buffer.from(`${last.micros}|${last.id}`).toString('base64url') : null,
    };
  }

  /** Owner only; idempotent: a broadcast already over is answered as it is. */
  async end(id: BroadcastId, caller: AccountId): Promise<BroadcastView> {
    return this.dataSource.transaction(async (manager) => {
      const b = await findBroadcast(manager, id, true);
      if (!b) throw new BroadcastNotFoundError();
      if (b.owner_id !== caller) throw new NotOwnerError();
      if (b.state !== 'created' && b.state !== 'live') return toView(b);
      return toView(await this.transitions.end(manager, b, 'owner'));
    });
  }
}

/**
 * At most 17 digits of microseconds (year 5138): within bigint and PostgreSQL's timestamp
 * range, so no cursor a client sends can make the query fail.
 */
function decodeCursor(cursor: string): { micros: string; id: string } {
  const match = /^(\d{1,17})\|([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$/.exec(
    Buffer.from(cursor, 'base64url').toString('utf8'),
  );
  if (!match) throw new InvalidCursorError();
  return { micros: match[1], id: match[2] };
}
