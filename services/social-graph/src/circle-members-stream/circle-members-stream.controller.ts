import type { Metadata, ServerWritableStream } from '@grpc/grpc-js';
import { GrpcMethod } from '@nestjs/microservices';
import type { StreamCircleMembersRequest, StreamCircleMembersResponse } from '@onair/contracts';
import { GrpcController, parseRequest, writeStream, type Plain } from '@onair/grpc-service';
import { EMPTY, type Observable } from 'rxjs';
import { z } from 'zod';
import { CircleIdSchema } from '../circles/circle.schemas.js';
import { GRPC_SERVICE } from '../grpc/grpc-options.js';
import { StartAfterSchema, StreamPageSizeSchema } from '../pagination/id-pages.js';
import { CircleMembersReader } from './circle-members-reader.js';

const StreamCircleMembers = z.object({
  circleId: CircleIdSchema,
  pageSize: StreamPageSizeSchema,
  startAfter: StartAfterSchema,
});

type Call = ServerWritableStream<Plain<StreamCircleMembersRequest>, Plain<StreamCircleMembersResponse>>;

/** Lets notifications fan a circle broadcast out to the circle's members. */
@GrpcController()
export class CircleMembersStreamController {
  constructor(private readonly reader: CircleMembersReader) {}

  /** Writes to the call itself, a page only when the call has room (see FollowersStreamController). */
  @GrpcMethod(GRPC_SERVICE, 'StreamCircleMembers')
  async streamCircleMembers(
    request: Plain<StreamCircleMembersRequest>,
    _metadata: Metadata,
    call: Call,
  ): Promise<Observable<never>> {
    const { circleId, pageSize, startAfter } = parseRequest(StreamCircleMembers, request);
    // Before the first write: an unknown circle is the call's status (NOT_FOUND), not a page.
    const ownerId = await this.reader.owner(circleId);
    await writeStream(call, this.reader.pages(circleId, pageSize, startAfter), (memberIds) => ({ memberIds, ownerId }));
    // Nest ends the call once this (empty) result completes.
    return EMPTY;
  }
}
