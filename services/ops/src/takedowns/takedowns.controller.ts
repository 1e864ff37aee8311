import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentUser, RequireRole, type AuthenticatedUser } from '@onair/auth';
import { openApiSchema, userText, ZodBodyPipe } from '@onair/http';
import { Outbox } from '@onair/kafka';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { takeDown } from './take-down.js';

const TakedownBody = z.strictObject({ reason: userText({ max: 500 }) });
type TakedownBody = z.infer<typeof TakedownBody>;
// Named apart from the schema: Nest's OpenAPI scanner reads a parameter's declared type.
const BroadcastParamSchema = z.strictObject({ broadcastId: z.uuid().transform((s) => s.toLowerCase()) });
type BroadcastPath = z.infer<typeof BroadcastParamSchema>;

const TakedownView = {
  type: 'object',
  required: ['id', 'broadcastId', 'takenDownAt', 'auditEntryId', 'actionedReports'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    broadcastId: { type: 'string', format: 'uuid' },
    takenDownAt: { type: 'string', format: 'date-time' },
    auditEntryId: { type: 'string', format: 'uuid' },
    actionedReports: { type: 'integer', description: "the broadcast's open reports, now actioned (out of the queue)" },
  },
};

/** Operators' actions on broadcasts. */
@ApiTags('actions')
@Controller('v1/ops/broadcasts')
export class TakedownsController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
  ) {}

  /**
   * Takes the broadcast down, audited: within seconds it ends for publisher and viewers (reason
   * taken_down), its replay and chat replay are deleted, discovery drops it and no go-live
   * notification goes out for it afterwards. Its open reports become actioned.
   */
  @Post(':broadcastId/takedown')
  @HttpCode(201)
  @RequireRole('operator')
  @ApiParam({ name: 'broadcastId', format: 'uuid' })
  @ApiBody({ schema: openApiSchema(TakedownBody) })
  @ApiCreatedResponse({ schema: TakedownView })
  @ApiBadRequestResponse({ description: 'REQUEST.VALIDATION_FAILED' })
  @ApiConflictResponse({ description: 'OPS.ALREADY_TAKEN_DOWN: it was taken down before; nothing was written' })
  async takeDown(@CurrentUser() user: AuthenticatedUser, @Param(new ZodBodyPipe(BroadcastParamSchema)) { broadcastId }: BroadcastPath, @Body(new ZodBodyPipe(TakedownBody)) { reason }: TakedownBody) {
    return this.dataSource.transaction((m) => takeDown(m, this.outbox, broadcastId, user.accountId, reason));
  }
}
