import { userText } from '@onair/http';
import { z } from 'zod';

export const HandleParam = z.string().min(3).max(15).regex(/^[A-Za-z0-9_]+$/).transform((h) => h.toLowerCase());

/** At most this many accounts per lookup by id: one page of a circle's or a room's members. */
export const MAX_IDS_PER_LOOKUP = 100;

/** `?ids=<uuid>,<uuid>…`: each once, lower-cased. */
export const IdsQuery = z.strictObject({
  ids: z
    .string()
    .max(MAX_IDS_PER_LOOKUP * 37)
    .transform((raw) => [...new Set(raw.split(',').map((id) => id.trim().toLowerCase()))])
    .pipe(z.array(z.uuid()).min(1).max(MAX_IDS_PER_LOOKUP)),
});

export const UpdateProfileBody = z
  .strictObject({
    displayName: userText({ max: 50 }).optional(),
    bio: userText({ max: 160, min: 0, multiline: true }).optional(),
  })
  .refine((b) => b.displayName !== undefined || b.bio !== undefined, { message: 'nothing to update' });
export type UpdateProfileBody = z.infer<typeof UpdateProfileBody>;

export const ProfileView = {
  type: 'object',
  required: ['id', 'handle', 'displayName', 'bio', 'avatarUrl', 'createdAt'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    handle: { type: 'string' },
    displayName: { type: 'string' },
    bio: { type: 'string' },
    avatarUrl: { type: 'string', nullable: true },
    createdAt: { type: 'string', format: 'date-time' },
  },
};
