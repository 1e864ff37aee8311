import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiQuery, ApiTags } from '@nestjs/swagger';
import { RequireRole } from '@onair/auth';
import { ZodBodyPipe } from '@onair/http';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { cursorParam, encodeCursor } from '../page-cursor.js';
import { AUDIT_ACTIONS, AUDIT_TARGET_TYPES } from './audit-entry.entity.js';
import { readAudit } from './audit-log.js';

const AuditQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(50),
  cursor: cursorParam(z.strictObject({ at: z.iso.datetime().transform((s) => new Date(s)), id: z.uuid() })).optional(),
  actorId: z.uuid().transform((id) => id.toLowerCase()).optional(),
  targetId: z.uuid().transform((id) => id.toLowerCase()).optional(),
  action: z.enum(AUDIT_ACTIONS).optional(),
});
type AuditQueryParams = z.infer<typeof AuditQuerySchema>;

const AuditEntryView = {
  type: 'object',
  required: ['id', 'actorAccountId', 'action', 'targetType', 'targetId', 'reason', 'at', 'details'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    actorAccountId: { type: 'string', format: 'uuid', nullable: true, description: 'null: the command line (tools/onair)' },
    action: { type: 'string', enum: [...AUDIT_ACTIONS] },
    targetType: { type: 'string', enum: [...AUDIT_TARGET_TYPES] },
    targetId: { type: 'string', format: 'uuid' },
    reason: { type: 'string' },
    at: { type: 'string', format: 'date-time' },
    details: { type: 'object', additionalProperties: true },
  },
};

/**
 * The audit log, for operators: read only. No route of any service updates or deletes it;
 * entries come from identity's role events and from ops' own actions.
 */
@ApiTags('audit')
@Controller('v1/ops/audit')
export class AuditController {
  constructor(private readonly dataSource: DataSource) {}

  @Get()
  @RequireRole('operator')
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 50 } })
  @ApiQuery({ name: 'cursor', required: false, schema: { type: 'string' }, description: "the previous page's nextCursor" })
  @ApiQuery({ name: 'actorId', required: false, schema: { type: 'string', format: 'uuid' } })
  @ApiQuery({ name: 'targetId', required: false, schema: { type: 'string', format: 'uuid' } })
  @ApiQuery({ name: 'action', required: false, schema: { type: 'string', enum: [...AUDIT_ACTIONS] } })
  @ApiOkResponse({ schema: { type: 'object', properties: { items: { type: 'array', items: AuditEntryView }, nextCursor: { type: 'string', nullable: true } } } })
  @ApiBadRequestResponse({ description: 'REQUEST.VALIDATION_FAILED' })
  async list(@Query(new ZodBodyPipe(AuditQuerySchema)) q: AuditQueryParams) {
    const page = await readAudit(this.dataSource, q);
    return { items: page.items, nextCursor: page.next ? encodeCursor({ at: page.next.at.toISOString(), id: page.next.id }) : null };
  }
}
