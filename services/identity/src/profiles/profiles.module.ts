import { Global, Module } from '@nestjs/common';
import { AvatarStore } from './avatar-store.js';
import { ProfilesController } from './profiles.controller.js';
import { ProfilesService } from './profiles.service.js';

@Global()
@Module({ controllers: [ProfilesController], providers: [AvatarStore, ProfilesService], exports: [AvatarStore] })
export class ProfilesModule {}
