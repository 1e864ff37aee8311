import { create } from '@bufbuild/protobuf';
import {
  BroadcastInfoSchema,
  LocationPrecision as ProtoPrecision,
  LocationSchema,
  VisibilitySchema,
  type BroadcastInfo,
} from '@onair/contracts';
import type { EntityManager } from 'typeorm';
import type { LocationPrecision } from './location.js';

export type Brand<T, B extends string> = T & { readonly __brand: B };
export type BroadcastId = Brand<string, 'BroadcastId'>;
export type AccountId = Brand<string, 'AccountId'>;
export type NodeId = Brand<string, 'NodeId'>;

export type BroadcastState = 'created' | 'live' | 'ended' | 'replay_ready' | 'expired';
export type EndReason = 'owner' | 'publisher_gone' | 'taken_down';

/** A `broadcast` row as the service reads it. */
export interface BroadcastRow {
  id: BroadcastId;
  owner_id: AccountId;
  title: string;
  topics: string[];
  language: string;
  latitude: number | null;
  longitude: number | null;
  location_precision: LocationPrecision | null;
  visibility: 'public' | 'followers' | 'circle';
  circle_id: string | null;
  state: BroadcastState;
  sfu_node_id: NodeId | null;
  created_at: Date;
  started_at: Date | null;
  ended_at: Date | null;
  end_reason: EndReason | null;
  auto_end_at: Date | null;
  recording_playlist: string | null;
  recording_duration_ms: string | null;
  replay_expires_at: Date | null;
  expired_at: Date | null;
  /** Set once by an operator's takedown; the broadcast is over for good. */
  taken_down_at: Date | null;
  viewers_now: number;
  viewers_peak: number;
  hearts_total: string;
}

type Queryable = Pick<EntityManager, 'query'>;

/** The row, locked FOR UPDATE when `lock` (the caller is in a transaction). */
export async function findBroadcast(db: Queryable, id: BroadcastId, lock = false): Promise<BroadcastRow | undefined> {
  const [row]: BroadcastRow[] = await db.query(`SELECT * FROM broadcast WHERE id = $1 ${lock ? 'FOR UPDATE' : ''}`, [id]);
  return row;
}

export const visibilityText = (b: Pick<BroadcastRow, 'visibility' | 'circle_id'>) =>
  b.visibility === 'circle' ? `circle:${b.circle_id}` : b.visibility;

/** What the HTTP API answers about a broadcast. */
export function toView(b: BroadcastRow) {
  return {
    id: b.id,
    ownerId: b.owner_id,
    title: b.title,
    topics: b.topics,
    language: b.language,
    location:
      b.latitude === null ? null : { latitude: b.latitude, longitude: b.longitude, precision: b.location_precision },
    visibility: visibilityText(b),
    state: b.state,
    createdAt: b.created_at.toISOString(),
    startedAt: b.started_at?.toISOString() ?? null,
    endedAt: b.ended_at?.toISOString() ?? null,
    endReason: b.end_reason,
    takenDownAt: b.taken_down_at?.toISOString() ?? null,
    replayExpiresAt: b.replay_expires_at?.toISOString() ?? null,
    stats: { viewersNow: b.viewers_now, viewersPeak: b.viewers_peak, heartsTotal: Number(b.hearts_total) },
  };
}

export const BroadcastViewSchema = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    ownerId: { type: 'string', format: 'uuid' },
    title: { type: 'string' },
    topics: { type: 'array', items: { type: 'string' } },
    language: { type: 'string' },
    location: {
      type: 'object',
      nullable: true,
      description: 'Rounded to the chosen precision; the exact position is never stored',
      properties: { latitude: { type: 'number' }, longitude: { type: 'number' }, precision: { type: 'string' } },
    },
    visibility: { type: 'string', example: 'circle:7d3c…' },
    state: { type: 'string', enum: ['created', 'live', 'ended', 'replay_ready', 'expired'] },
    createdAt: { type: 'string', format: 'date-time' },
    startedAt: { type: 'string', format: 'date-time', nullable: true },
    endedAt: { type: 'string', format: 'date-time', nullable: true },
    endReason: { type: 'string', enum: ['owner', 'publisher_gone', 'taken_down'], nullable: true, description: 'taken_down: OnAir\'s operators took it down (its replay is gone too)' },
    takenDownAt: { type: 'string', format: 'date-time', nullable: true },
    replayExpiresAt: { type: 'string', format: 'date-time', nullable: true },
    stats: {
      type: 'object',
      properties: { viewersNow: { type: 'integer' }, viewersPeak: { type: 'integer' }, heartsTotal: { type: 'integer' } },
    },
  },
};

const PRECISION: Record<LocationPrecision, ProtoPrecision> = {
  neighbourhood: ProtoPrecision.NEIGHBOURHOOD,
  city: ProtoPrecision.CITY,
  region: ProtoPrecision.REGION,
};

/** What discovery and notifications learn about a broadcast (BroadcastInfo). */
export function toInfo(b: BroadcastRow): BroadcastInfo {
  return create(BroadcastInfoSchema, {
    broadcastId: b.id,
    ownerId: b.owner_id,
    title: b.title,
    topics: b.topics,
    language: b.language,
    location:
      b.latitude === null || b.longitude === null || !b.location_precision
        ? undefined
        : create(LocationSchema, { latitude: b.latitude, longitude: b.longitude, precision: PRECISION[b.location_precision] }),
    visibility: create(VisibilitySchema, {
      audience:
        b.visibility === 'circle'
          ? { case: 'circleId', value: b.circle_id! }
          : b.visibility === 'followers'
            ? { case: 'followers', value: true }
            : { case: 'public', value: true },
    }),
  });
}
