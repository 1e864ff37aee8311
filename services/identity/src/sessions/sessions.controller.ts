import { Body, Controller, Delete, HttpCode, Ip, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiForbiddenResponse, ApiOkResponse, ApiServiceUnavailableResponse, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { CurrentUser, Public, type AuthenticatedUser } from '@onair/auth';
import { openApiSchema, ZodBodyPipe } from '@onair/http';
import { RefreshBody, SignInBody, TokenPairView } from './session.bodies.js';
import { SessionsService } from './sessions.service.js';

const Suspended = 'IDENTITY.ACCOUNT_SUSPENDED: an operator suspended the account; `error.details.until` says until when (null: for good, until lifted)';

@ApiTags('sessions')
@Controller('v1/sessions')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Public()
  @Post()
  @HttpCode(201)
  @ApiBody({ schema: openApiSchema(SignInBody) })
  @ApiOkResponse({ schema: TokenPairView })
  @ApiUnauthorizedResponse({ description: 'IDENTITY.INVALID_CREDENTIALS' })
  @ApiForbiddenResponse({ description: Suspended })
  @ApiTooManyRequestsResponse({ description: 'IDENTITY.SIGN_IN_RATE_LIMITED, with Retry-After' })
  @ApiServiceUnavailableResponse({ description: 'IDENTITY.BUSY: too many password checks at once, with Retry-After' })
  signIn(@Body(new ZodBodyPipe(SignInBody)) body: SignInBody, @Ip() ip: string) {
    return this.sessions.signIn(body.login, body.password, ip);
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiBody({ schema: openApiSchema(RefreshBody) })
  @ApiOkResponse({ schema: TokenPairView })
  @ApiUnauthorizedResponse({ description: 'IDENTITY.REFRESH_TOKEN_INVALID or IDENTITY.REFRESH_TOKEN_REUSED (the session is revoked)' })
  @ApiForbiddenResponse({ description: Suspended })
  refresh(@Body(new ZodBodyPipe(RefreshBody)) body: RefreshBody) {
    return this.sessions.refresh(body.refreshToken);
  }

  @Delete('current')
  @HttpCode(204)
  @ApiBearerAuth()
  async signOut(@CurrentUser() user: AuthenticatedUser) {
    await this.sessions.signOut(user.accountId, user.sessionId);
  }

  @Delete()
  @HttpCode(204)
  @ApiBearerAuth()
  async signOutEverywhere(@CurrentUser() user: AuthenticatedUser) {
    await this.sessions.signOutEverywhere(user.accountId);
  }
}
