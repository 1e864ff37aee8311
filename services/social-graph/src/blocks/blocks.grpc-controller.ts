import { GrpcMethod } from '@nestjs/microservices';
import type { IsBlockedRequest, IsBlockedResponse } from '@onair/contracts';
import { GrpcController, parseRequest, type Plain } from '@onair/grpc-service';
import { z } from 'zod';
import { AccountIdSchema } from '../accounts/account-id.js';
import { GRPC_SERVICE } from '../grpc/grpc-options.js';
import { BlocksService } from './blocks.service.js';

const IsBlocked = z.object({ accountId: AccountIdSchema, otherAccountId: AccountIdSchema });

/** What other services ask before letting one account reach another (chat, invites, ...). */
@GrpcController()
export class BlocksGrpcController {
  constructor(private readonly blocks: BlocksService) {}

  @GrpcMethod(GRPC_SERVICE, 'IsBlocked')
  async isBlocked(request: Plain<IsBlockedRequest>): Promise<Plain<IsBlockedResponse>> {
    const { accountId, otherAccountId } = parseRequest(IsBlocked, request);
    return { blocked: await this.blocks.isBlocked(accountId, otherAccountId) };
  }
}
