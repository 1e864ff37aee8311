import { loadPackageDefinition, Metadata, status, type Client, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import { Logger } from '@nestjs/common';
import { ServiceTls } from '@onair/service-tls';
import { join } from 'node:path';
import { STREAM_SESSIONS_PROTO, type OpsConfig } from '../config.js';
import { BroadcastNotFoundError, StreamSessionsUnavailableError } from './live-overview.errors.js';

export interface WireTimestamp {
  seconds: string;
  nanos: number;
}

/** A BroadcastOverview as @grpc/proto-loader decodes it (camelCase; longs and enums as strings; oneof's name in `audience`). */
export interface WireBroadcast {
  // Always set: stream-sessions builds every overview from a broadcast row.
  info: {
    broadcastId: string;
    ownerId: string;
    title: string;
    topics: string[];
    language: string;
    location: { latitude: number; longitude: number } | null;
    visibility: { circleId?: string; audience?: 'public' | 'followers' | 'circleId' } | null;
  };
  state: string;
  startedAt: WireTimestamp | null;
  endedAt: WireTimestamp | null;
  endReason: string;
  viewersNow: number;
  viewersPeak: number;
  heartsTotal: string;
  originNodeId: string;
  nodes: Array<{ nodeId: string; viewers: number; parentNodeId: string; depth: number }>;
}

export interface WireSfuNode {
  nodeId: string;
  consumers: number;
  consumerCapacity: number;
  cpuPercent: number;
  reportedAt: WireTimestamp | null;
  draining: boolean;
  stale: boolean;
  broadcasts: number;
  viewers: number;
}

type Unary = (request: object, metadata: Metadata, options: { deadline: Date }, callback: (err: ServiceError | null, response: unknown) => void) => void;

/**
 * stream-sessions' internal gRPC API (StreamSessionsService in proto/) over mutual TLS, for the
 * live overview. Whatever keeps stream-sessions from answering becomes one 503
 * (OPS.STREAM_SESSIONS_UNAVAILABLE): operators can do nothing about the cause but wait.
 */
export class StreamSessionsClient {
  private readonly client: Client & Record<string, unknown>;
  private readonly log = new Logger('StreamSessionsClient');

  constructor(private readonly options: OpsConfig['streamSessions']) {
    const definition = loadSync(join(options.protoDir, STREAM_SESSIONS_PROTO), {
      includeDirs: [options.protoDir],
      keepCase: false,
      longs: String,
      enums: String,
      defaults: true,
      oneofs: true,
    });
    const pkg = loadPackageDefinition(definition) as unknown as {
      onair: { stream_sessions: { v1: { StreamSessionsService: new (address: string, creds: unknown, options: unknown) => never } } };
    };
    const identity = ServiceTls.load(options.tls);
    this.client = new pkg.onair.stream_sessions.v1.StreamSessionsService(options.address, identity.grpcChannelCredentials(), ServiceTls.grpcChannelOptions('stream-sessions'));
  }

  close(): void {
    this.client.close();
  }

  /** The most watched live broadcasts (of `broadcastIds` only, when given: at most 1000). */
  async liveBroadcasts(limit: number, broadcastIds: string[] = []): Promise<WireBroadcast[]> {
    return (await this.call<{ broadcasts: WireBroadcast[] }>('listLiveBroadcasts', { limit, broadcastIds })).broadcasts;
  }

  /** The broadcast in any state; BroadcastNotFoundError when stream-sessions never had it. */
  async broadcast(broadcastId: string): Promise<WireBroadcast> {
    try {
      return (await this.call<{ broadcast: WireBroadcast }>('getBroadcastOverview', { broadcastId })).broadcast;
    } catch (err) {
      throw (err as ServiceError).code === status.NOT_FOUND ? new BroadcastNotFoundError() : err;
    }
  }

  async sfuNodes(): Promise<WireSfuNode[]> {
    return (await this.call<{ nodes: WireSfuNode[] }>('listSfuNodes', { limit: 0 })).nodes;
  }

  private call<T>(method: string, request: object): Promise<T> {
    const deadline = new Date(Date.now() + this.options.timeoutMs);
    return new Promise((resolve, reject) =>
      (this.client[method] as Unary)(request, new Metadata(), { deadline }, (err, response) => {
        if (!err) return resolve(response as T);
        // NOT_FOUND is the caller's to interpret; anything else means no answer to give.
        if (err.code === status.NOT_FOUND) return reject(err);
        // Not an outage but a misconfiguration or a bug (e.g. ops missing from GRPC_ALLOWED_CLIENTS): say which.
        if (err.code !== status.UNAVAILABLE && err.code !== status.DEADLINE_EXCEEDED) this.log.error(`${method}: ${err.message}`);
        reject(new StreamSessionsUnavailableError());
      }),
    );
  }
}
