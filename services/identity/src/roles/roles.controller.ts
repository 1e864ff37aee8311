import { Body, Controller, Delete, Get, HttpCode, Param, Put } from '@nestjs/common';
import { ApiBadRequestResponse, ApiBody, ApiConflictResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiParam, ApiTags } from '@nestjs/swagger';
import { CurrentUser, RequireRole, ROLES, type AuthenticatedUser } from '@onair/auth';
import { openApiSchema, ZodBodyPipe } from '@onair/http';
import { AccountParamSchema, AccountRoleParamSchema, RoleChangeBody, RolesView, type AccountPath, type AccountRolePath } from './role.bodies.js';
import { RolesService } from './roles.service.js';

const NotFound = 'IDENTITY.ACCOUNT_NOT_FOUND';
const Invalid = 'REQUEST.VALIDATION_FAILED (not an account id, not a role, or a missing, empty or too long reason)';

/** Operator roles of an account: operators read them, admins grant and revoke them. */
@ApiTags('roles')
@ApiParam({ name: 'accountId', format: 'uuid' })
@Controller('v1/accounts/:accountId/roles')
export class RolesController {
  constructor(private readonly roles: RolesService) {}

  @Get()
  @RequireRole('operator')
  @ApiOkResponse({ schema: RolesView })
  @ApiBadRequestResponse({ description: Invalid })
  @ApiNotFoundResponse({ description: NotFound })
  async list(@Param(new ZodBodyPipe(AccountParamSchema)) { accountId }: AccountPath) {
    return { roles: await this.roles.list(accountId) };
  }

  /** Idempotent: granting a role the account holds changes and records nothing. */
  @Put(':role')
  @HttpCode(204)
  @RequireRole('admin')
  @ApiParam({ name: 'role', enum: ROLES })
  @ApiBody({ schema: openApiSchema(RoleChangeBody) })
  @ApiNoContentResponse({ description: 'the account holds the role (from its next sign-in or token refresh on)' })
  @ApiBadRequestResponse({ description: Invalid })
  @ApiNotFoundResponse({ description: NotFound })
  async grant(
    @CurrentUser() user: AuthenticatedUser,
    @Param(new ZodBodyPipe(AccountRoleParamSchema)) { accountId, role }: AccountRolePath,
    @Body(new ZodBodyPipe(RoleChangeBody)) { reason }: RoleChangeBody,
  ) {
    await this.roles.grant({ accountId, role, actorId: user.accountId, reason });
  }

  /** Idempotent; revoking a held role ends every session of the account (sessions.revoked.v1). */
  @Delete(':role')
  @HttpCode(204)
  @RequireRole('admin')
  @ApiParam({ name: 'role', enum: ROLES })
  @ApiBody({ schema: openApiSchema(RoleChangeBody) })
  @ApiNoContentResponse({ description: 'the account does not hold the role (any more); its sessions ended if it did' })
  @ApiBadRequestResponse({ description: Invalid })
  @ApiNotFoundResponse({ description: NotFound })
  @ApiConflictResponse({ description: 'IDENTITY.OWN_ADMIN_ROLE: an admin cannot revoke their own admin role' })
  async revoke(
    @CurrentUser() user: AuthenticatedUser,
    @Param(new ZodBodyPipe(AccountRoleParamSchema)) { accountId, role }: AccountRolePath,
    @Body(new ZodBodyPipe(RoleChangeBody)) { reason }: RoleChangeBody,
  ) {
    await this.roles.revoke({ accountId, role, actorId: user.accountId, reason });
  }
}
