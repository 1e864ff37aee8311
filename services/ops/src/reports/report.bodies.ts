import { userText } from '@onair/http';
import { z } from 'zod';
import { cursorParam } from '../page-cursor.js';
import { VIEWER_REASONS } from './report.entity.js';
import { TARGET_TYPES, VIEWER_TARGET_TYPES } from './report-target.entity.js';

const id = () => z.uuid().transform((s) => s.toLowerCase());

export const ReportBody = z.strictObject({
  targetType: z.enum(VIEWER_TARGET_TYPES),
  targetId: id(),
  reason: z.enum(VIEWER_REASONS),
  /** In the reporter's words; line breaks allowed, as in a bio. */
  text: userText({ max: 500, multiline: true }).optional(),
});
export type ReportBody = z.infer<typeof ReportBody>;

// Path parameters. Their types are named apart from the schemas: Nest's OpenAPI scanner reads a
// parameter's declared type at run time and would take a same-named schema for a model class.
export const TargetParamSchema = z.strictObject({ targetType: z.enum(TARGET_TYPES), targetId: id() });
export type TargetPath = z.infer<typeof TargetParamSchema>;

export const QueueQuerySchema = z.strictObject({
  /** Only open targets today; dismissed ones are in each target's detail and the audit log. */
  status: z.enum(['open']).default('open'),
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: cursorParam(z.strictObject({ weight: z.number().int().min(0), last: z.iso.datetime(), type: z.enum(TARGET_TYPES), id: z.uuid() })).optional(),
});
export type QueueQuery = z.infer<typeof QueueQuerySchema>;

/** Every dismissal says why: the reason goes into the audit log. */
export const DismissBody = z.strictObject({ reason: userText({ max: 500 }) });
export type DismissBody = z.infer<typeof DismissBody>;

const nullableString = { type: 'string', nullable: true };
export const TargetView = {
  type: 'object',
  properties: {
    targetType: { type: 'string', enum: [...TARGET_TYPES] },
    targetId: { type: 'string', format: 'uuid' },
    message: {
      type: 'object',
      nullable: true,
      description: "a chat message's room, author and words (targetType message only)",
      properties: { broadcastId: nullableString, authorId: nullableString, authorHandle: nullableString, text: nullableString },
    },
    distinctReporters: { type: 'integer', description: 'accounts with an open report of it' },
    convictingVotes: { type: 'integer', description: 'guilty votes of guilty jury verdicts on its open reports' },
    weight: { type: 'integer', description: 'distinctReporters + convictingVotes: the queue is ranked by it' },
    reasons: { type: 'object', additionalProperties: { type: 'integer' }, description: 'open reports per reason' },
    firstReportedAt: { type: 'string', format: 'date-time', nullable: true },
    lastReportedAt: { type: 'string', format: 'date-time', nullable: true },
    latestTexts: { type: 'array', items: { type: 'object', properties: { text: { type: 'string' }, reportedAt: { type: 'string', format: 'date-time' } } } },
  },
};
