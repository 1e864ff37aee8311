// Test-only: what the web client's notifications need behind the edge. social-graph and
// notifications as processes from their builds, beside the suite's identity, and go-lives
// published onto the real Kafka as stream-sessions publishes them (notifications fans them out
// to followers). A slimmer copy of services/notifications/src/notifications.test-app.ts: one
// service's tests do not import another's.
import { create } from '@bufbuild/protobuf';
import { timestampNow } from '@bufbuild/protobuf/wkt';
import { BroadcastWentLiveEvent, BroadcastWentLiveSchema } from '@onair/contracts';
import { createIdempotentProducer, encodeEvent } from '@onair/kafka';
import { startServiceProcess, type RunningService, type TestContext, type TestUser } from '@onair/testing';
import { randomUUID } from 'node:crypto';

export interface NotificationsPlatform {
  identity: string;
  graph: RunningService;
  notifications: RunningService;
  /** A call to notifications' API directly, as `user`. */
  api(method: string, path: string, user: TestUser): Promise<Response>;
  /** Publishes broadcast.went_live.v1 of a new public broadcast of `owner`; its id. */
  goLive(owner: { id: string }, live: { title: string }): Promise<string>;
}

export async function startNotificationsPlatform(ctx: TestContext): Promise<NotificationsPlatform> {
  const identity = await ctx.startIdentity();
  const graph = await startServiceProcess(ctx, 'social-graph', { AUTH_JWKS_URL: identity.jwksUrl, KAFKA_TOPIC_PARTITIONS: '2' });
  const notifications = await startServiceProcess(ctx, 'notifications', {
    AUTH_JWKS_URL: identity.jwksUrl,
    SOCIAL_GRAPH_GRPC_URL: `127.0.0.1:${graph.grpcPort}`,
    NOTIFICATIONS_POD_ID: 'pod-0',
    NOTIFICATIONS_FANOUT_PARTITIONS: '4',
    KAFKA_TOPIC_PARTITIONS: '2',
    NOTIFICATIONS_TICK_SECONDS: '1',
  });
  const producer = createIdempotentProducer(ctx.kafka());
  await producer.connect();
  ctx.onCleanup(() => producer.disconnect());
  return {
    identity: identity.url,
    graph,
    notifications,
    api: (method, path, user) => fetch(`${notifications.url}${path}`, { method, headers: user.authHeader }),
    async goLive(owner, live) {
      const id = randomUUID();
      const event = create(BroadcastWentLiveSchema, {
        broadcastId: id,
        info: { broadcastId: id, ownerId: owner.id, title: live.title, language: 'en', visibility: { audience: { case: 'public', value: true } } },
        sfuNodeId: 'node-test',
        startedAt: timestampNow(),
      });
      const record = encodeEvent(BroadcastWentLiveEvent, event, { id: randomUUID(), source: 'stream-sessions', time: new Date() });
      await producer.send({ topic: ctx.topicPrefix + BroadcastWentLiveEvent.topic, acks: -1, messages: [record] });
      return id;
    },
  };
}
