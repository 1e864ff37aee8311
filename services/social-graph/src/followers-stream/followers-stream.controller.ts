import type { Metadata, ServerWritableStream } from '@grpc/grpc-js';
import { GrpcMethod } from '@nestjs/microservices';
import type { StreamFollowersRequest, StreamFollowersResponse } from '@onair/contracts';
import { EMPTY, type Observable } from 'rxjs';
import { z } from 'zod';
import { AccountIdSchema } from '../accounts/account-id.js';
import { GrpcController } from '../grpc/grpc-controller.decorator.js';
import { GRPC_SERVICE } from '../grpc/grpc-options.js';
import { parseRequest, type Plain } from '../grpc/grpc-request.js';
import { FollowersReader } from './followers-reader.js';

const DEFAULT_STREAM_PAGE = 5000;
const MAX_STREAM_PAGE = 10_000;

const StreamFollowers = z.object({
  accountId: AccountIdSchema,
  pageSize: z
    .number()
    .int()
    .min(0)
    .max(MAX_STREAM_PAGE)
    .transform((n) => n || DEFAULT_STREAM_PAGE),
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
    const { accountId, pageSize } = parseRequest(StreamFollowers, request);
    for await (const followerIds of this.reader.pages(accountId, pageSize)) {
      if (call.cancelled) break;
      if (!call.write({ followerIds })) await writable(call);
    }
    // Nest ends the call once this (empty) result completes.
    return EMPTY;
  }
}

/** Resolves when the call drains its buffer, or when the client goes away. */
function writable(call: Call): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      call.off('drain', done);
      call.off('cancelled', done);
      resolve();
    };
    call.on('drain', done);
    call.on('cancelled', done);
  });
}
