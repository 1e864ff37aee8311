import { Module } from '@nestjs/common';
import { CircleMembersController } from './circle-members.controller.js';
import { CircleMembersService } from './circle-members.service.js';
import { CirclesController } from './circles.controller.js';
import { CirclesGrpcController } from './circles.grpc-controller.js';
import { CirclesService } from './circles.service.js';

@Module({
  controllers: [CirclesController, CircleMembersController, CirclesGrpcController],
  providers: [CirclesService, CircleMembersService],
})
export class CirclesModule {}
