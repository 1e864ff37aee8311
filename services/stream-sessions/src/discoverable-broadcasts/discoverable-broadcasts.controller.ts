import type { Metadata, ServerWritableStream } from '@grpc/grpc-js';
import { GrpcMethod } from '@nestjs/microservices';
import type { StreamDiscoverableBroadcastsRequest } from '@onair/contracts';
import { EMPTY, type Observable } from 'rxjs';
import { z } from 'zod';
import { GrpcController } from '../grpc/grpc-controller.decorator.js';
import { GRPC_SERVICE } from '../grpc/grpc-options.js';
import { parseRequest, type Plain } from '../grpc/grpc-request.js';
import { toDiscoverable, type GrpcDiscoverableBroadcast } from './discoverable-broadcast.js';
import { DiscoverableBroadcastsReader } from './discoverable-broadcasts-reader.js';

const DEFAULT_PAGE_SIZE = 1000;
const MAX_PAGE_SIZE = 5000;

const StreamDiscoverableBroadcasts = z.object({
  pageSize: z
    .number()
    .int()
    .min(0)
    .max(MAX_PAGE_SIZE)
    .transform((n) => n || DEFAULT_PAGE_SIZE),
});

type Call = ServerWritableStream<Plain<StreamDiscoverableBroadcastsRequest>, { broadcasts: GrpcDiscoverableBroadcast[] }>;

@GrpcController()
export class DiscoverableBroadcastsController {
  constructor(private readonly reader: DiscoverableBroadcastsReader) {}

  /**
   * Writes pages to the call itself and reads the next one only when the call has room:
   * returning an Observable would let Nest buffer every page while a slow client reads.
   */
  @GrpcMethod(GRPC_SERVICE, 'StreamDiscoverableBroadcasts')
  async streamDiscoverableBroadcasts(
    request: Plain<StreamDiscoverableBroadcastsRequest>,
    _metadata: Metadata,
    call: Call,
  ): Promise<Observable<never>> {
    const { pageSize } = parseRequest(StreamDiscoverableBroadcasts, request);
    for await (const rows of this.reader.pages(pageSize)) {
      if (call.cancelled) break;
      if (!call.write({ broadcasts: rows.map(toDiscoverable) })) await writable(call);
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
