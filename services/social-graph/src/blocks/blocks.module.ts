import { Module } from '@nestjs/common';
import { FollowsModule } from '../follows/follows.module.js';
import { BlocksController } from './blocks.controller.js';
import { BlocksGrpcController } from './blocks.grpc-controller.js';
import { BlocksService } from './blocks.service.js';

@Module({
  imports: [FollowsModule],
  controllers: [BlocksController, BlocksGrpcController],
  providers: [BlocksService],
})
export class BlocksModule {}
