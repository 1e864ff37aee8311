import { Module } from '@nestjs/common';
import { SessionsModule } from '../sessions/sessions.module.js';
import { RolesController } from './roles.controller.js';
import { RolesService } from './roles.service.js';

@Module({ imports: [SessionsModule], controllers: [RolesController], providers: [RolesService] })
export class RolesModule {}
