import { Module } from '@nestjs/common';
import { AccountsController } from './accounts.controller.js';
import { AccountsService } from './accounts.service.js';
import { SessionsModule } from '../sessions/sessions.module.js';

@Module({ imports: [SessionsModule], controllers: [AccountsController], providers: [AccountsService] })
export class AccountsModule {}
