import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiConflictResponse, ApiNotFoundResponse, ApiOkResponse, ApiParam, ApiQuery, ApiTags } from '@nestjs/swagger';
import { CurrentUser, RequireRole, type AuthenticatedUser } from '@onair/auth';
import { openApiSchema, ZodBodyPipe } from '@onair/http';
import { DataSource } from 'typeorm';
import { encodeCursor } from '../page-cursor.js';
import { DismissBody, QueueQuerySchema, TargetParamSchema, TargetView, type QueueQuery, type TargetPath } from './report.bodies.js';
import { ReportTargetNotFoundError } from './report.errors.js';
import { readQueue, readTarget } from './report-queue.js';
import { TARGET_TYPES } from './report-target.entity.js';
import { dismissTarget } from './report-store.js';

const ReportView = {
  type: 'object',
  properties: {
    id: { type: 'string', format: 'uuid' },
    reporterId: { type: 'string', format: 'uuid', nullable: true },
    reason: { type: 'string' },
    text: { type: 'string', nullable: true },
    source: { type: 'string', enum: ['viewer', 'chat_jury'] },
    juryId: { type: 'string', nullable: true },
    verdict: { type: 'string', enum: ['guilty', 'acquitted'], nullable: true },
    guiltyVotes: { type: 'integer' },
    status: { type: 'string', enum: ['open', 'dismissed', 'actioned'], description: 'actioned: closed by an operator action (a takedown)' },
    openedAt: { type: 'string', format: 'date-time' },
    reportedAt: { type: 'string', format: 'date-time' },
    dismissedAt: { type: 'string', format: 'date-time', nullable: true },
    actionedAt: { type: 'string', format: 'date-time', nullable: true },
  },
};
const Invalid = 'REQUEST.VALIDATION_FAILED';

/** The report queue, for operators: one item per reported target, the most reported first. */
@ApiTags('reports')
@Controller('v1/ops/reports')
export class ReportQueueController {
  constructor(private readonly dataSource: DataSource) {}

  @Get()
  @RequireRole('operator')
  @ApiQuery({ name: 'status', required: false, schema: { type: 'string', enum: ['open'], default: 'open' } })
  @ApiQuery({ name: 'limit', required: false, schema: { type: 'integer', minimum: 1, maximum: 100, default: 50 } })
  @ApiQuery({ name: 'cursor', required: false, schema: { type: 'string' }, description: "the previous page's nextCursor" })
  @ApiOkResponse({ schema: { type: 'object', properties: { items: { type: 'array', items: TargetView }, nextCursor: { type: 'string', nullable: true } } } })
  @ApiBadRequestResponse({ description: Invalid })
  async queue(@Query(new ZodBodyPipe(QueueQuerySchema)) q: QueueQuery) {
    const page = await readQueue(this.dataSource, q.limit, q.cursor);
    return { items: page.items, nextCursor: page.next ? encodeCursor({ ...page.next }) : null };
  }

  @Get('targets/:targetType/:targetId')
  @RequireRole('operator')
  @ApiParam({ name: 'targetType', enum: TARGET_TYPES })
  @ApiParam({ name: 'targetId', format: 'uuid' })
  @ApiOkResponse({ schema: { ...TargetView, properties: { ...TargetView.properties, reports: { type: 'array', items: ReportView, description: 'open and dismissed, newest first (at most 200)' } } } })
  @ApiBadRequestResponse({ description: Invalid })
  @ApiNotFoundResponse({ description: 'OPS.REPORT_TARGET_NOT_FOUND' })
  async target(@Param(new ZodBodyPipe(TargetParamSchema)) target: TargetPath) {
    const detail = await readTarget(this.dataSource, target);
    if (!detail) throw new ReportTargetNotFoundError();
    return detail;
  }

  /** Every open report of the target becomes dismissed, audited in the same transaction; a later report opens it again. */
  @Post('targets/:targetType/:targetId/dismiss')
  @HttpCode(200)
  @RequireRole('operator')
  @ApiParam({ name: 'targetType', enum: TARGET_TYPES })
  @ApiParam({ name: 'targetId', format: 'uuid' })
  @ApiBody({ schema: openApiSchema(DismissBody) })
  @ApiOkResponse({ schema: { type: 'object', properties: { dismissed: { type: 'integer' }, auditEntryId: { type: 'string', format: 'uuid' } } } })
  @ApiBadRequestResponse({ description: Invalid })
  @ApiNotFoundResponse({ description: 'OPS.REPORT_TARGET_NOT_FOUND: nobody reported it' })
  @ApiConflictResponse({ description: 'OPS.NO_OPEN_REPORTS: its reports are all dismissed already' })
  async dismiss(@CurrentUser() user: AuthenticatedUser, @Param(new ZodBodyPipe(TargetParamSchema)) target: TargetPath, @Body(new ZodBodyPipe(DismissBody)) { reason }: DismissBody) {
    return this.dataSource.transaction((m) => dismissTarget(m, target, user.accountId, reason));
  }
}
