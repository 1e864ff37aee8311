import { Module } from '@nestjs/common';
import { AccessTokens } from './access-tokens.js';
import { SessionsController } from './sessions.controller.js';
import { SessionsService } from './sessions.service.js';
import { SignInLimiter } from './sign-in-limiter.js';

@Module({ controllers: [SessionsController], providers: [SessionsService, SignInLimiter, AccessTokens] })
export class SessionsModule {}
