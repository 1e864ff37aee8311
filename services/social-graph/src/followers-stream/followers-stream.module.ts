import { Module } from '@nestjs/common';
import { FollowersReader } from './followers-reader.js';
import { FollowersStreamController } from './followers-stream.controller.js';

@Module({ controllers: [FollowersStreamController], providers: [FollowersReader] })
export class FollowersStreamModule {}
