import { userText } from '@onair/http';
import { z } from 'zod';

// The wire format of PROTOCOL.md: every frame is one JSON text message with a `type`.

const Id = z.uuid();
/** A client's own id for a request, echoed in its ack or error. */
const ClientId = z.union([z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), z.string().min(1).max(64)]).optional();

/** The longest chat message, in characters after trimming (code points: an emoji counts once). */
export const MAX_MESSAGE_CHARS = 280;

export const ClientFrame = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('message'), id: ClientId, text: userText({ max: MAX_MESSAGE_CHARS }) }),
  // Taps since the last frame; a client sends at most one such frame per 250 ms.
  z.strictObject({ type: z.literal('hearts'), count: z.number().int().min(1).max(50) }),
  z.strictObject({ type: z.literal('presence'), watching: z.boolean() }),
  z.strictObject({ type: z.literal('report'), id: ClientId, messageId: Id }),
  z.strictObject({ type: z.literal('vote'), id: ClientId, juryId: Id, guilty: z.boolean() }),
  // The broadcaster's moderation.
  z.strictObject({ type: z.literal('mute'), id: ClientId, accountId: Id, seconds: z.number().int().min(1).max(86_400).optional() }),
  z.strictObject({ type: z.literal('unmute'), id: ClientId, accountId: Id }),
  z.strictObject({ type: z.literal('settings'), id: ClientId, followersOnly: z.boolean().optional(), juries: z.boolean().optional() }),
]);
export type ClientFrame = z.infer<typeof ClientFrame>;

/** Largest frame accepted (larger: close 1009): a 280-character message is at most ~1.2 kB. */
export const MAX_FRAME_BYTES = 4 * 1024;

export interface ChatError {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** Every server frame: a type, and for errors a stable code. */
export const frame = (type: string, data: Record<string, unknown> = {}) => JSON.stringify({ type, ...data });
export const errorFrame = (error: ChatError, id?: string | number) => frame('error', { ...(id === undefined ? {} : { id }), error });
