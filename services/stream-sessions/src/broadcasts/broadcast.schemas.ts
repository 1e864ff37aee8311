import { ApiParam } from '@nestjs/swagger';
import { userText } from '@onair/http';
import { z } from 'zod';
import type { BroadcastId } from './broadcast-record.js';


export const VisibilitySchema = z.union([
  z.literal('public'),
  z.literal('followers'),
  // The circle id as social-graph checks it (z.uuid(): RFC 9562 version and variant), not any
  // hex in 8-4-4-4-12 groups: an id social-graph would refuse is refused here, as a 400.
  z
    .templateLiteral(['circle:', z.uuid()], { error: 'public, followers or circle:<circle id>' })
    .transform((v) => v.toLowerCase() as `circle:${string}`),
]);
export type VisibilityText = z.infer<typeof VisibilitySchema>;

/** POST /v1/broadcasts. The location is opt-in; it is rounded to `precision` before anything else sees it. */
export const CreateBroadcastBody = z.strictObject({
  title: userText({ max: 140 }),
  topics: z
    .array(
      z
        .string()
        .trim()
        .toLowerCase()
        .regex(/^[\p{L}\p{N}_-]{1,32}$/u, 'letters, digits, _ or -, at most 32'),
    )
    .max(5)
    .default([])
    .transform((t) => [...new Set(t)]),
  // BCP 47, e.g. en, pt-BR, zh-Hant-TW.
  language: z.string().regex(/^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8}){0,3}$/, 'a BCP 47 language tag'),
  location: z
    .strictObject({
      latitude: z.number().min(-90).max(90),
      longitude: z.number().min(-180).max(180),
      precision: z.enum(['neighbourhood', 'city', 'region']),
    })
    .optional(),
  visibility: VisibilitySchema,
});
export type CreateBroadcastBody = z.infer<typeof CreateBroadcastBody>;

export const BroadcastParamSchema = z.strictObject({
  broadcastId: z.uuid().transform((id) => id.toLowerCase() as BroadcastId),
});
export type BroadcastParam = z.infer<typeof BroadcastParamSchema>;

export const ApiBroadcastIdParam = () => ApiParam({ name: 'broadcastId', format: 'uuid' });

export const ListQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});
export type ListQuery = z.infer<typeof ListQuerySchema>;
