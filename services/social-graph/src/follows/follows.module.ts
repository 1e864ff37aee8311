import { Module } from '@nestjs/common';
import { FollowEdges } from './follow-edges.js';
import { FollowsController } from './follows.controller.js';
import { FollowsGrpcController } from './follows.grpc-controller.js';
import { FollowsService } from './follows.service.js';

@Module({
  controllers: [FollowsController, FollowsGrpcController],
  providers: [FollowsService, FollowEdges],
  exports: [FollowEdges],
})
export class FollowsModule {}
