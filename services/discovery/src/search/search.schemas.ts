import { userText } from '@onair/http';
import { z } from 'zod';
import { BoxInvertedError, BoxWrapsWorldError } from './search.errors.js';

const latitude = z.coerce.number().min(-90).max(90);
const longitude = z.coerce.number().min(-180).max(180);
const limit = z.coerce.number().int().min(1).max(50).default(20);
// Opaque to clients; its contents are checked when decoded (cursor.ts).
const cursor = z.string().max(400).regex(/^[A-Za-z0-9_-]+$/, 'a cursor from nextCursor').optional();
const language = z
  .string()
  .regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8}){0,3}$/, 'a BCP 47 language tag')
  .transform((l) => l.toLowerCase())
  .optional();
// As stream-sessions accepts topics.
const topic = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[\p{L}\p{N}_-]{1,32}$/u, 'letters, digits, _ or -, at most 32');

/** Deepest zoom of web maps; from MAP_SINGLES_ZOOM on, single broadcasts instead of clusters. */
export const MAX_ZOOM = 22;
export const MAP_SINGLES_ZOOM = 14;

export const MapQuery = z
  .strictObject({ north: latitude, south: latitude, east: longitude, west: longitude, zoom: z.coerce.number().int().min(0).max(MAX_ZOOM) })
  .transform((q) => {
    if (q.south >= q.north) throw new BoxInvertedError();
    if (q.west >= q.east) throw new BoxWrapsWorldError();
    return q;
  });
export type MapQuery = z.infer<typeof MapQuery>;

export const NearQuery = z.strictObject({
  lat: latitude,
  lon: longitude,
  radiusKm: z.coerce.number().min(0.1).max(1000).default(50),
  limit,
  cursor,
});
export type NearQuery = z.infer<typeof NearQuery>;

export const SearchQuery = z
  .strictObject({
    q: userText({ max: 100 }).optional(),
    topic: topic.optional(),
    language,
    state: z.enum(['live', 'replay']).default('live'),
    limit,
    cursor,
  })
  .refine((s) => s.q !== undefined || s.topic !== undefined, { message: 'q or topic', path: ['q'] });
export type SearchQuery = z.infer<typeof SearchQuery>;

export const TrendingQuery = z.strictObject({ language, limit });
export type TrendingQuery = z.infer<typeof TrendingQuery>;

export const FollowingQuery = z.strictObject({ limit, cursor });
export type FollowingQuery = z.infer<typeof FollowingQuery>;

export const TeleportQuery = z.strictObject({ language });
export type TeleportQuery = z.infer<typeof TeleportQuery>;
