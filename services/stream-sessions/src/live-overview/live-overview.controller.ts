import { GrpcMethod } from '@nestjs/microservices';
import type { GetBroadcastOverviewRequest, ListLiveBroadcastsRequest, ListSfuNodesRequest } from '@onair/contracts';
import { GrpcController, parseRequest, type Plain } from '@onair/grpc-service';
import { z } from 'zod';
import type { BroadcastId } from '../broadcasts/broadcast-record.js';
import { BroadcastNotFoundError } from '../broadcasts/broadcast.errors.js';
import { GRPC_SERVICE } from '../grpc/grpc-options.js';
import { timestamp, toOverview, type GrpcBroadcastOverview } from './broadcast-overview.js';
import { LiveOverviewReader } from './live-overview-reader.js';

// Bounds from the proto: a caller can never make one call read more than this.
const MAX_BROADCASTS = 1000;
const DEFAULT_BROADCASTS = 50;
const MAX_IDS = 1000;
const MAX_NODES = 1000;

const broadcastId = z.uuid().transform((s) => s.toLowerCase());
const limit = (max: number, def: number) =>
  z
    .number()
    .int()
    .min(0)
    .max(max)
    .transform((n) => n || def);

const ListLiveBroadcasts = z.object({ limit: limit(MAX_BROADCASTS, DEFAULT_BROADCASTS), broadcastIds: z.array(broadcastId).max(MAX_IDS) });
const GetBroadcastOverview = z.object({ broadcastId });
const ListSfuNodes = z.object({ limit: limit(MAX_NODES, MAX_NODES) });

/** Operators' live overview (for ops): live broadcasts with their relay trees, one broadcast, the SFU nodes' load. */
@GrpcController()
export class LiveOverviewController {
  constructor(private readonly reader: LiveOverviewReader) {}

  @GrpcMethod(GRPC_SERVICE, 'ListLiveBroadcasts')
  async listLiveBroadcasts(request: Plain<ListLiveBroadcastsRequest>): Promise<{ broadcasts: GrpcBroadcastOverview[] }> {
    const { limit, broadcastIds } = parseRequest(ListLiveBroadcasts, request);
    const broadcasts = await this.reader.liveBroadcasts(limit, [...new Set(broadcastIds)]);
    const trees = await this.reader.trees(broadcasts);
    return { broadcasts: broadcasts.map((b) => toOverview(b, trees)) };
  }

  @GrpcMethod(GRPC_SERVICE, 'GetBroadcastOverview')
  async getBroadcastOverview(request: Plain<GetBroadcastOverviewRequest>): Promise<{ broadcast: GrpcBroadcastOverview }> {
    const { broadcastId } = parseRequest(GetBroadcastOverview, request);
    const b = await this.reader.broadcast(broadcastId as BroadcastId);
    if (!b) throw new BroadcastNotFoundError();
    return { broadcast: toOverview(b, await this.reader.trees([b])) };
  }

  @GrpcMethod(GRPC_SERVICE, 'ListSfuNodes')
  async listSfuNodes(request: Plain<ListSfuNodesRequest>) {
    const { limit } = parseRequest(ListSfuNodes, request);
    const rows = await this.reader.sfuNodes(limit);
    return {
      nodes: rows.map((n) => ({
        nodeId: n.node_id,
        consumers: n.consumers,
        consumerCapacity: n.consumer_capacity,
        cpuPercent: n.cpu_percent,
        reportedAt: timestamp(n.reported_at),
        draining: n.draining,
        stale: n.stale,
        broadcasts: n.broadcasts,
        viewers: n.viewers,
      })),
    };
  }
}
