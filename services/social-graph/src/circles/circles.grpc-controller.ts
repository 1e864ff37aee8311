import { GrpcMethod } from '@nestjs/microservices';
import type { IsCircleMemberRequest, IsCircleMemberResponse } from '@onair/contracts';
import { GrpcController, parseRequest, type Plain } from '@onair/grpc-service';
import { GRPC_SERVICE } from '../grpc/grpc-options.js';
import { IsCircleMemberSchema } from './circle.schemas.js';
import { CircleMembersService } from './circle-members.service.js';

/** Lets stream-sessions admit a viewer to a private (circle-only) broadcast. */
@GrpcController()
export class CirclesGrpcController {
  constructor(private readonly members: CircleMembersService) {}

  @GrpcMethod(GRPC_SERVICE, 'IsCircleMember')
  async isCircleMember(request: Plain<IsCircleMemberRequest>): Promise<Plain<IsCircleMemberResponse>> {
    const { circleId, accountId } = parseRequest(IsCircleMemberSchema, request);
    return this.members.membership(circleId, accountId);
  }
}
