import { Body, Controller, Inject, Post, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBearerAuth, ApiBody, ApiCreatedResponse, ApiOkResponse, ApiTags, ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { CurrentUser, type AuthenticatedUser } from '@onair/auth';
import { openApiSchema, ZodBodyPipe } from '@onair/http';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { OPS_CONFIG, type OpsConfig } from '../config.js';
import { ReportBody } from './report.bodies.js';
import { CannotReportSelfError } from './report.errors.js';
import { fileViewerReport } from './report-store.js';

const ReportId = {
  type: 'object',
  required: ['id', 'status'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    status: { type: 'string', enum: ['open', 'actioned'], description: 'actioned: operators already took the broadcast down; the report is kept, not queued' },
  },
};

/** Any signed-in viewer reports a broadcast or an account to the operators. */
@ApiTags('reports')
@ApiBearerAuth()
@Controller('v1/reports')
export class ReportsController {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(OPS_CONFIG) private readonly config: OpsConfig,
  ) {}

  /**
   * One report per reporter and target: reporting the same target again answers 200 with the
   * same id, its reason (and text, when given) replaced by the new ones, and opens it again if
   * operators had dismissed it.
   */
  @Post()
  @ApiBody({ schema: openApiSchema(ReportBody) })
  @ApiCreatedResponse({ schema: ReportId, description: 'a new report' })
  @ApiOkResponse({ schema: ReportId, description: 'your earlier report of this target, updated (and open)' })
  @ApiBadRequestResponse({ description: 'REQUEST.VALIDATION_FAILED, or OPS.CANNOT_REPORT_SELF' })
  @ApiTooManyRequestsResponse({ description: 'OPS.TOO_MANY_OPEN_REPORTS: too many of your reports are still open' })
  async report(@CurrentUser() user: AuthenticatedUser, @Body(new ZodBodyPipe(ReportBody)) body: ReportBody, @Res({ passthrough: true }) res: Response) {
    if (body.targetType === 'account' && body.targetId === user.accountId) throw new CannotReportSelfError();
    const { id, created, status } = await this.dataSource.transaction((m) => fileViewerReport(m, { ...body, reporterId: user.accountId }, this.config.openReportsPerReporter));
    res.status(created ? 201 : 200);
    return { id, status };
  }
}
