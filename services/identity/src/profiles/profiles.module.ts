import { Global, Module } from '@nestjs/common';
import { AvatarStore } from './avatar-store.js';
import { ProfilesController } from './profiles.controller.js';

@Global()
@Module({ controllers: [ProfilesController], providers: [AvatarStore], exports: [AvatarStore] })
export class ProfilesModule {}
