import { Module } from '@nestjs/common';
import { CircleMembersReader } from './circle-members-reader.js';
import { CircleMembersStreamController } from './circle-members-stream.controller.js';

@Module({ controllers: [CircleMembersStreamController], providers: [CircleMembersReader] })
export class CircleMembersStreamModule {}
