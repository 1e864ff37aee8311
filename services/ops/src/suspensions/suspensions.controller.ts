import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentUser, RequireRole, type AuthenticatedUser } from '@onair/auth';
import { openApiSchema, userText, ZodBodyPipe } from '@onair/http';
import { Outbox } from '@onair/kafka';
import { DataSource } from 'typeorm';
import { z } from 'zod';
import { currentSuspension } from './account-suspension.js';
import { liftSuspension } from './lift-suspension.js';
import { MAX_SUSPENSION_YEARS, suspendAccount } from './suspend-account.js';
import { NotSuspendedError } from './suspension.errors.js';

const SuspendBody = z.strictObject({
  reason: userText({ max: 500 }),
  until: z.iso
    .datetime({ offset: true })
    .transform((s) => new Date(s))
    .optional()
    .describe(`when it ends on its own (in the future, at most ${MAX_SUSPENSION_YEARS} years ahead); absent: for good, until lifted`),
});
type SuspendBody = z.infer<typeof SuspendBody>;
const LiftBody = z.strictObject({ reason: userText({ max: 500 }) });
type LiftBody = z.infer<typeof LiftBody>;
// Named apart from the schema: Nest's OpenAPI scanner reads a parameter's declared type.
const AccountParamSchema = z.strictObject({ accountId: z.uuid().transform((s) => s.toLowerCase()) });
type AccountPath = z.infer<typeof AccountParamSchema>;

const uuid = { type: 'string', format: 'uuid' };
const time = { type: 'string', format: 'date-time' };
const until = { type: 'string', format: 'date-time', nullable: true, description: 'null: for good (until lifted)' };
const SuspensionView = {
  type: 'object',
  required: ['id', 'accountId', 'suspendedAt', 'until', 'auditEntryId', 'actionedReports'],
  properties: { id: uuid, accountId: uuid, suspendedAt: time, until, auditEntryId: uuid, actionedReports: { type: 'integer', description: "the account's open reports, now actioned" } },
};
const LiftedView = { type: 'object', required: ['id', 'accountId', 'liftedAt', 'auditEntryId'], properties: { id: uuid, accountId: uuid, liftedAt: time, auditEntryId: uuid } };
const CurrentView = {
  type: 'object',
  required: ['id', 'accountId', 'actorAccountId', 'reason', 'suspendedAt', 'until'],
  properties: { id: uuid, accountId: uuid, actorAccountId: uuid, reason: { type: 'string' }, suspendedAt: time, until },
};

/** Operators' suspensions of accounts, each audited. */
@ApiTags('actions')
@ApiParam({ name: 'accountId', format: 'uuid' })
@Controller('v1/ops/accounts/:accountId/suspension')
export class SuspensionsController {
  constructor(
    private readonly dataSource: DataSource,
    private readonly outbox: Outbox,
  ) {}

  /**
   * Suspends the account for a period or for good, replacing its current suspension: within
   * seconds its sessions end and it can neither sign in, broadcast nor chat. Its open reports
   * become actioned. Nobody suspends their own account, and only an admin suspends one that holds
   * the operator or admin role.
   */
  @Post()
  @HttpCode(201)
  // Above @RequireRole: decorators apply bottom-up and the last 403 written wins, so this one
  // names RequireRole's code too.
  @ApiForbiddenResponse({
    description:
      "AUTH.ROLE_REQUIRED: the caller's token does not carry the operator role; OPS.STAFF_SUSPENSION_NEEDS_ADMIN: the account holds the operator or admin role, and only an admin may suspend it. Nothing was written",
  })
  @RequireRole('operator')
  @ApiBody({ schema: openApiSchema(SuspendBody) })
  @ApiCreatedResponse({ schema: SuspensionView })
  @ApiBadRequestResponse({
    description: 'REQUEST.VALIDATION_FAILED; OPS.SUSPENSION_UNTIL_PAST (`until` not in the future); OPS.SUSPENSION_TOO_LONG; OPS.CANNOT_SUSPEND_SELF. Nothing was written',
  })
  async suspend(@CurrentUser() user: AuthenticatedUser, @Param(new ZodBodyPipe(AccountParamSchema)) { accountId }: AccountPath, @Body(new ZodBodyPipe(SuspendBody)) body: SuspendBody) {
    const order = { accountId, actorId: user.accountId, actorIsAdmin: user.roles.includes('admin'), reason: body.reason, until: body.until };
    return this.dataSource.transaction((m) => suspendAccount(m, this.outbox, order));
  }

  /** Lifts the current suspension before its end: the account may sign in again (its old sessions stay ended). */
  @Post('lift')
  @HttpCode(200)
  @ApiForbiddenResponse({
    description:
      "AUTH.ROLE_REQUIRED: the caller's token does not carry the operator role; OPS.STAFF_SUSPENSION_NEEDS_ADMIN: the account holds the operator or admin role, and only an admin may lift its suspension. Nothing was written",
  })
  @RequireRole('operator')
  @ApiBody({ schema: openApiSchema(LiftBody) })
  @ApiOkResponse({ schema: LiftedView })
  @ApiBadRequestResponse({ description: 'REQUEST.VALIDATION_FAILED' })
  @ApiConflictResponse({ description: 'OPS.NOT_SUSPENDED: no current suspension (none, lifted, or over); nothing was written' })
  async lift(@CurrentUser() user: AuthenticatedUser, @Param(new ZodBodyPipe(AccountParamSchema)) { accountId }: AccountPath, @Body(new ZodBodyPipe(LiftBody)) { reason }: LiftBody) {
    const actor = { id: user.accountId, isAdmin: user.roles.includes('admin') };
    return this.dataSource.transaction((m) => liftSuspension(m, this.outbox, accountId, actor, reason));
  }

  @Get()
  @RequireRole('operator')
  @ApiOkResponse({ schema: CurrentView })
  @ApiBadRequestResponse({ description: 'REQUEST.VALIDATION_FAILED' })
  @ApiNotFoundResponse({ description: 'OPS.NOT_SUSPENDED: no current suspension (none, lifted, or over)' })
  async current(@Param(new ZodBodyPipe(AccountParamSchema)) { accountId }: AccountPath) {
    const s = await currentSuspension(this.dataSource.manager, accountId);
    if (!s) throw new NotSuspendedError('not_found');
    return {
      id: s.id,
      accountId: s.account_id,
      actorAccountId: s.actor_account_id,
      reason: s.reason,
      suspendedAt: s.suspended_at.toISOString(),
      until: s.until?.toISOString() ?? null,
    };
  }
}
