import { Body, Controller, Delete, HttpCode, Ip, Post } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { CurrentUser, Public, type AuthenticatedUser } from '@onair/auth';
import { openApiSchema, ZodBodyPipe } from '@onair/http';
import { AccountsService } from './accounts.service.js';
import { CreateAccountBody, DeleteAccountBody } from './create-account.body.js';

const AccountView = {
  type: 'object',
  required: ['id', 'handle', 'displayName', 'createdAt'],
  properties: {
    id: { type: 'string', format: 'uuid' },
    handle: { type: 'string' },
    displayName: { type: 'string' },
    createdAt: { type: 'string', format: 'date-time' },
  },
};

@ApiTags('accounts')
@Controller('v1/accounts')
export class AccountsController {
  constructor(private readonly accounts: AccountsService) {}

  @Public()
  @Post()
  @HttpCode(201)
  @ApiBody({ schema: openApiSchema(CreateAccountBody) })
  @ApiCreatedResponse({ schema: AccountView })
  @ApiBadRequestResponse({ description: 'REQUEST.VALIDATION_FAILED (names the fields; a common password is refused) or REQUEST.MALFORMED_JSON' })
  @ApiConflictResponse({ description: 'IDENTITY.HANDLE_TAKEN or IDENTITY.EMAIL_TAKEN' })
  @ApiServiceUnavailableResponse({ description: 'IDENTITY.BUSY: too many password hashes at once, with Retry-After' })
  async create(@Body(new ZodBodyPipe(CreateAccountBody)) body: CreateAccountBody) {
    const account = await this.accounts.create(body);
    return {
      id: account.id,
      handle: account.handle,
      displayName: account.displayName,
      createdAt: account.createdAt.toISOString(),
    };
  }

  @Delete('me')
  @HttpCode(204)
  @ApiBearerAuth()
  @ApiBody({ schema: openApiSchema(DeleteAccountBody) })
  @ApiConflictResponse({ description: 'IDENTITY.LAST_ADMIN: the only admin cannot delete their account; grant another admin first' })
  @ApiTooManyRequestsResponse({ description: 'IDENTITY.SIGN_IN_RATE_LIMITED (the same limits as sign-in), with Retry-After' })
  @ApiServiceUnavailableResponse({ description: 'IDENTITY.BUSY: too many password checks at once, with Retry-After' })
  async delete(@CurrentUser() user: AuthenticatedUser, @Body(new ZodBodyPipe(DeleteAccountBody)) body: DeleteAccountBody, @Ip() ip: string) {
    await this.accounts.delete(user.accountId, body.password, ip);
  }
}
