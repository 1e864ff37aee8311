import type { Metadata, ServerWritableStream } from '@grpc/grpc-js';
import { GrpcMethod } from '@nestjs/microservices';
import type { StreamFollowersRequest, StreamFollowersResponse } from '@onair/contracts';
import { GrpcController, parseRequest, writeStream, type Plain } from '@onair/grpc-service';
import { EMPTY, type Observable } from 'rxjs';
import { z } from 'zod';
import { AccountIdSchema } from '../accounts/account-id.js';
import { GRPC_SERVICE } from '../grpc/grpc-options.js';
import { StartAfterSchema, StreamPageSizeSchema } from '../pagination/id-pages.js';
import { FollowersReader } from './followers-reader.js';

const StreamFollowers = z.object({
  accountId: AccountIdSchema,
  pageSize: StreamPageSizeSchema,
  startAfter: StartAfterSchema,
});

type Call = ServerWritableStream<Plain<StreamFollowersRequest>, Plain<StreamFollowersResponse>>;

@GrpcController()
export class FollowersStreamController {
  constructor(private readonly reader: FollowersReader) {}

  /**
   * Writes pages to the call itself and reads the next one only when the call has room.
   * Returning an Observable would let Nest subscribe and buffer every page the source emits
   * while the client is slow: a million followers held in memory per slow caller.
   */
  @GrpcMethod(GRPC_SERVICE, 'StreamFollowers')
  async streamFollowers(
    request: Plain<StreamFollowersRequest>,
    _metadata: Metadata,
    call: Call,
  ): Promise<Observable<never>> {
    const { accountId, pageSize, startAfter } = parseRequest(StreamFollowers, request);
    await writeStream(call, this.reader.pages(accountId, pageSize, startAfter), (followerIds) => ({ followerIds }));
    // Nest ends the call once this (empty) result completes.
    return EMPTY;
  }
}
