import type { BroadcastDocument } from '../broadcasts/broadcast-document.js';

/** The fields a result needs (and no more is read from the index). */
export const VIEW_FIELDS = [
  'broadcast_id',
  'owner_id',
  'handle',
  'display_name',
  'title',
  'topics',
  'language',
  'location',
  'location_precision',
  'visibility',
  'state',
  'viewers_now',
  'viewers_peak',
  'hearts_total',
  'started_at',
  'ended_at',
  'replay_expires_at',
];

/** A broadcast as discovery answers it. */
export function broadcastView(d: BroadcastDocument) {
  return {
    id: d.broadcast_id,
    title: d.title ?? '',
    topics: d.topics ?? [],
    language: d.language ?? '',
    state: d.state,
    visibility: d.visibility ?? 'public',
    location: d.location ? { lat: d.location.lat, lon: d.location.lon, precision: d.location_precision ?? null } : null,
    viewersNow: d.state === 'live' ? (d.viewers_now ?? 0) : 0,
    viewersPeak: d.viewers_peak ?? 0,
    heartsTotal: d.hearts_total ?? 0,
    startedAt: d.started_at ?? null,
    endedAt: d.ended_at ?? null,
    replayExpiresAt: d.replay_expires_at ?? null,
    owner: { id: d.owner_id, handle: d.handle ?? null, displayName: d.display_name ?? null },
  };
}
export type BroadcastView = ReturnType<typeof broadcastView>;

const nullableString = { type: 'string', nullable: true };

/** OpenAPI schema of broadcastView's result. */
export const BroadcastViewSchema = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    title: { type: 'string' },
    topics: { type: 'array', items: { type: 'string' } },
    language: { type: 'string' },
    state: { type: 'string', enum: ['live', 'replay'] },
    visibility: { type: 'string', enum: ['public', 'followers', 'circle'] },
    location: {
      type: 'object',
      nullable: true,
      description: 'as the broadcaster shared it, rounded to its precision',
      properties: { lat: { type: 'number' }, lon: { type: 'number' }, precision: { type: 'string', enum: ['neighbourhood', 'city', 'region'], nullable: true } },
    },
    viewersNow: { type: 'integer' },
    viewersPeak: { type: 'integer' },
    heartsTotal: { type: 'integer' },
    startedAt: { type: 'string', format: 'date-time', nullable: true },
    endedAt: { ...nullableString, format: 'date-time' },
    replayExpiresAt: { ...nullableString, format: 'date-time' },
    owner: { type: 'object', properties: { id: { type: 'string', format: 'uuid' }, handle: nullableString, displayName: nullableString } },
  },
};
