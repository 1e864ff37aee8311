// Test-only: discovery as a process from its build, with the real identity and social-graph
// around it, and stream-sessions' broadcast events published onto the real Kafka as
// stream-sessions publishes them (discovery is fed by events only).
import { create, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import { timestampFromDate, timestampNow } from '@bufbuild/protobuf/wkt';
import {
  BroadcastEndedEvent,
  BroadcastEndedSchema,
  BroadcastExpiredEvent,
  BroadcastExpiredSchema,
  BroadcastInfoSchema,
  BroadcastReplayReadyEvent,
  BroadcastReplayReadySchema,
  BroadcastStatsUpdatedEvent,
  BroadcastStatsUpdatedSchema,
  BroadcastWentLiveEvent,
  BroadcastWentLiveSchema,
  LocationPrecision,
  type EventDescriptor,
} from '@onair/contracts';
import { createIdempotentProducer, encodeEvent } from '@onair/kafka';
import { freePort, startServiceProcess, waitUntil, type RunningService, type TestContext, type TestUser } from '@onair/testing';
import { randomUUID } from 'node:crypto';

export interface LiveOptions {
  title?: string;
  topics?: string[];
  language?: string;
  location?: { lat: number; lon: number; precision?: LocationPrecision };
  visibility?: 'public' | 'followers' | { circleId: string };
  startedAt?: Date;
}

export interface DiscoveryPlatform {
  identity: string;
  graph: RunningService;
  discovery: RunningService;
  /** GET on discovery's API as `user`; the parsed body and status. */
  get<T = Record<string, unknown>>(user: TestUser, path: string): Promise<{ status: number; body: T }>;
  /** A call to identity or social-graph as `user`. */
  call(base: string, method: string, path: string, user: TestUser, body?: unknown): Promise<Response>;
  /** Publishes broadcast.went_live.v1 for a new broadcast of `owner`; its id. */
  goLive(owner: TestUser, options?: LiveOptions): Promise<string>;
  end(id: string, ownerId: string): Promise<void>;
  replayReady(id: string, ownerId: string): Promise<void>;
  expire(id: string, ownerId: string): Promise<void>;
  stats(id: string, viewersNow: number, viewersPeak: number, heartsTotal: number, at?: Date): Promise<void>;
  publish<D extends DescMessage>(descriptor: EventDescriptor<D>, message: MessageShape<D>): Promise<void>;
  /** Waits until GET `path` as `user` answers 200 with a body `until` accepts; that body. */
  waitFor<T = Record<string, unknown>>(user: TestUser, path: string, until: (body: T) => boolean, what: string, timeoutMs?: number): Promise<T>;
}

const PRECISIONS = { neighbourhood: LocationPrecision.NEIGHBOURHOOD, city: LocationPrecision.CITY, region: LocationPrecision.REGION };
export { PRECISIONS };

export async function startDiscoveryPlatform(ctx: TestContext, discoveryEnv: Record<string, string> = {}): Promise<DiscoveryPlatform> {
  const identity = await ctx.startIdentity();
  const grpcPort = await freePort();
  const graph = await startServiceProcess(ctx, 'social-graph', { AUTH_JWKS_URL: identity.jwksUrl, GRPC_PORT: String(grpcPort), KAFKA_TOPIC_PARTITIONS: '2' });
  const discovery = await startDiscovery(ctx, identity.jwksUrl, grpcPort, discoveryEnv);
  const producer = createIdempotentProducer(ctx.kafka());
  await producer.connect();
  ctx.onCleanup(() => producer.disconnect());
  const publish = async <D extends DescMessage>(descriptor: EventDescriptor<D>, message: MessageShape<D>) => {
    const record = encodeEvent(descriptor, message, { id: randomUUID(), source: 'stream-sessions', time: new Date() });
    await producer.send({ topic: ctx.topicPrefix + descriptor.topic, acks: -1, messages: [record] });
  };
  const get = async <T>(user: TestUser, path: string) => {
    const res = await fetch(`${discovery.url}${path}`, { headers: user.authHeader });
    return { status: res.status, body: (await res.json()) as T };
  };
  return {
    identity: identity.url,
    graph,
    discovery,
    get,
    publish,
    call: (base, method, path, user, body) =>
      fetch(`${base}${path}`, {
        method,
        headers: { ...user.authHeader, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    async goLive(owner, o = {}) {
      const id = randomUUID();
      const visibility = o.visibility ?? 'public';
      const info = create(BroadcastInfoSchema, {
        broadcastId: id,
        ownerId: owner.id,
        title: o.title ?? 'A live test',
        topics: o.topics ?? [],
        language: o.language ?? 'en',
        location: o.location ? { latitude: o.location.lat, longitude: o.location.lon, precision: o.location.precision ?? LocationPrecision.CITY } : undefined,
        visibility: {
          audience: visibility === 'public' ? { case: 'public', value: true } : visibility === 'followers' ? { case: 'followers', value: true } : { case: 'circleId', value: visibility.circleId },
        },
      });
      await publish(BroadcastWentLiveEvent, create(BroadcastWentLiveSchema, { broadcastId: id, info, sfuNodeId: 'node-test', startedAt: timestampFromDate(o.startedAt ?? new Date()) }));
      return id;
    },
    end: (id, ownerId) => publish(BroadcastEndedEvent, create(BroadcastEndedSchema, { broadcastId: id, ownerId, endedAt: timestampNow() })),
    replayReady: (id, ownerId) =>
      publish(BroadcastReplayReadyEvent, create(BroadcastReplayReadySchema, { broadcastId: id, ownerId, durationMs: 60_000n, expiresAt: timestampFromDate(new Date(Date.now() + 86_400_000)) })),
    expire: (id, ownerId) => publish(BroadcastExpiredEvent, create(BroadcastExpiredSchema, { broadcastId: id, ownerId, expiredAt: timestampNow() })),
    stats: (id, viewersNow, viewersPeak, heartsTotal, at = new Date()) =>
      publish(BroadcastStatsUpdatedEvent, create(BroadcastStatsUpdatedSchema, { broadcastId: id, viewersNow, viewersPeak, heartsTotal: BigInt(heartsTotal), at: timestampFromDate(at) })),
    async waitFor<T>(user: TestUser, path: string, until: (body: T) => boolean, what: string, timeoutMs = 15_000) {
      let last: T | undefined;
      await waitUntil(
        async () => {
          const res = await get<T>(user, path);
          last = res.body;
          return res.status === 200 && until(res.body);
        },
        timeoutMs,
        what,
      ).catch((err: Error) => {
        throw new Error(`${err.message}; last answer ${JSON.stringify(last)}`);
      });
      return last!;
    },
  };
}

/** A discovery process in the suite's indices and topics. */
export function startDiscovery(ctx: TestContext, jwksUrl: string, socialGraphGrpcPort: number, env: Record<string, string> = {}): Promise<RunningService> {
  return startServiceProcess(ctx, 'discovery', {
    AUTH_JWKS_URL: jwksUrl,
    ELASTICSEARCH_URL: ctx.infra.esUrl,
    DISCOVERY_INDEX_PREFIX: ctx.indexPrefix,
    SOCIAL_GRAPH_GRPC_URL: `127.0.0.1:${socialGraphGrpcPort}`,
    KAFKA_TOPIC_PARTITIONS: '2',
    ...env,
  });
}

/** Ids of a page of results. */
export const ids = (body: { items: Array<{ id: string }> }) => body.items.map((i) => i.id);
