import { Module } from '@nestjs/common';
import { AccessTokens } from './access-tokens.js';
import { SessionsController } from './sessions.controller.js';
import { SessionRevocations } from './session-revocations.js';
import { SessionsService } from './sessions.service.js';

@Module({ controllers: [SessionsController], providers: [SessionsService, AccessTokens, SessionRevocations], exports: [SessionRevocations] })
export class SessionsModule {}
