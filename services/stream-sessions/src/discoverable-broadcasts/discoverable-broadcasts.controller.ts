import type { Metadata, ServerWritableStream } from '@grpc/grpc-js';
import { GrpcMethod } from '@nestjs/microservices';
import type { StreamDiscoverableBroadcastsRequest } from '@onair/contracts';
import { GrpcController, parseRequest, writeStream, type Plain } from '@onair/grpc-service';
import { EMPTY, type Observable } from 'rxjs';
import { z } from 'zod';
import { GRPC_SERVICE } from '../grpc/grpc-options.js';
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
    await writeStream(call, this.reader.pages(pageSize), (rows) => ({ broadcasts: rows.map(toDiscoverable) }));
    // Nest ends the call once this (empty) result completes.
    return EMPTY;
  }
}
