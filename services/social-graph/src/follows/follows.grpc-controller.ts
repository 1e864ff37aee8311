import { GrpcMethod } from '@nestjs/microservices';
import type { IsFollowingRequest, IsFollowingResponse } from '@onair/contracts';
import { GrpcController, parseRequest, type Plain } from '@onair/grpc-service';
import { z } from 'zod';
import { AccountIdSchema } from '../accounts/account-id.js';
import { GRPC_SERVICE } from '../grpc/grpc-options.js';
import { FollowsService } from './follows.service.js';

const IsFollowing = z.object({ followerId: AccountIdSchema, followeeId: AccountIdSchema });

@GrpcController()
export class FollowsGrpcController {
  constructor(private readonly follows: FollowsService) {}

  @GrpcMethod(GRPC_SERVICE, 'IsFollowing')
  async isFollowing(request: Plain<IsFollowingRequest>): Promise<Plain<IsFollowingResponse>> {
    const { followerId, followeeId } = parseRequest(IsFollowing, request);
    return { following: (await this.follows.isFollowing(followerId, followeeId)).following };
  }
}
