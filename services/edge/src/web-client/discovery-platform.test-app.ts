// Test-only: what the map page finds broadcasts with. discovery and social-graph as processes
// from their builds, beside the suite's identity, and go-lives published onto the real Kafka as
// stream-sessions publishes them (discovery is fed by events only). A slimmer copy of
// services/discovery/src/discovery.test-app.ts: one service's tests do not import another's.
import { create } from '@bufbuild/protobuf';
import { timestampNow } from '@bufbuild/protobuf/wkt';
import { BroadcastInfoSchema, BroadcastWentLiveEvent, BroadcastWentLiveSchema, LocationPrecision } from '@onair/contracts';
import { createIdempotentProducer, encodeEvent } from '@onair/kafka';
import { freePort, startServiceProcess, type RunningService, type TestContext, type TestUser } from '@onair/testing';
import { randomUUID } from 'node:crypto';

export interface DiscoveryPlatform {
  identity: string;
  graph: RunningService;
  discovery: RunningService;
  /** Publishes broadcast.went_live.v1 of a new public broadcast of `owner`; its id. */
  goLive(owner: TestUser, live: { title: string; topics: string[]; location: { lat: number; lon: number } }): Promise<string>;
}

export async function startDiscoveryPlatform(ctx: TestContext): Promise<DiscoveryPlatform> {
  const identity = await ctx.startIdentity();
  const grpcPort = await freePort();
  const graph = await startServiceProcess(ctx, 'social-graph', { AUTH_JWKS_URL: identity.jwksUrl, GRPC_PORT: String(grpcPort), KAFKA_TOPIC_PARTITIONS: '2' });
  const discovery = await startServiceProcess(ctx, 'discovery', {
    AUTH_JWKS_URL: identity.jwksUrl,
    ELASTICSEARCH_URL: ctx.infra.esUrl,
    DISCOVERY_INDEX_PREFIX: ctx.indexPrefix,
    SOCIAL_GRAPH_GRPC_URL: `127.0.0.1:${grpcPort}`,
    KAFKA_TOPIC_PARTITIONS: '2',
  });
  const producer = createIdempotentProducer(ctx.kafka());
  await producer.connect();
  ctx.onCleanup(() => producer.disconnect());
  return {
    identity: identity.url,
    graph,
    discovery,
    async goLive(owner, live) {
      const id = randomUUID();
      const info = create(BroadcastInfoSchema, {
        broadcastId: id,
        ownerId: owner.id,
        title: live.title,
        topics: live.topics,
        language: 'en',
        location: { latitude: live.location.lat, longitude: live.location.lon, precision: LocationPrecision.NEIGHBOURHOOD },
        visibility: { audience: { case: 'public', value: true } },
      });
      const event = create(BroadcastWentLiveSchema, { broadcastId: id, info, sfuNodeId: 'node-test', startedAt: timestampNow() });
      const record = encodeEvent(BroadcastWentLiveEvent, event, { id: randomUUID(), source: 'stream-sessions', time: new Date() });
      await producer.send({ topic: ctx.topicPrefix + BroadcastWentLiveEvent.topic, acks: -1, messages: [record] });
      return id;
    },
  };
}
