// Test-only: notifications as processes from its build, with the real identity and social-graph
// around them; stream-sessions' broadcast events are published onto the real Kafka as
// stream-sessions publishes them.
import { create, type DescMessage, type MessageShape } from '@bufbuild/protobuf';
import { timestampFromDate, timestampNow } from '@bufbuild/protobuf/wkt';
import {
  BroadcastExpiredEvent,
  BroadcastExpiredSchema,
  BroadcastReplayReadyEvent,
  BroadcastReplayReadySchema,
  BroadcastWentLiveEvent,
  BroadcastWentLiveSchema,
  type EventDescriptor,
} from '@onair/contracts';
import { createIdempotentProducer, encodeEvent } from '@onair/kafka';
import { startServiceProcess, waitUntil, type RunningService, type TestContext, type TestUser } from '@onair/testing';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';

export interface InboxItem {
  id: string;
  kind: string;
  actor: { id: string; handle: string | null } | null;
  broadcastId: string | null;
  title: string | null;
  count: number;
  read: boolean;
}

export interface NotificationsPlatform {
  identity: string;
  graph: RunningService;
  pods: RunningService[];
  /** notifications' schema and social-graph's, for what a test must look at or set up in bulk. */
  sql<T = Record<string, unknown>>(query: string, params?: unknown[]): Promise<T[]>;
  schemas: { notifications: string; socialGraph: string };
  call(base: string, method: string, path: string, user: TestUser, body?: unknown): Promise<Response>;
  /** A call to notifications' API on pod 0. */
  api(method: string, path: string, user: TestUser, body?: unknown): Promise<Response>;
  inbox(user: TestUser): Promise<InboxItem[]>;
  waitForInbox(user: TestUser, until: (items: InboxItem[]) => boolean, what: string, timeoutMs?: number): Promise<InboxItem[]>;
  /** Publishes broadcast.went_live.v1 for a new broadcast of `owner`; its id. */
  goLive(owner: { id: string }, options?: { title?: string; visibility?: 'public' | 'followers' | { circleId: string } }): Promise<string>;
  replayReady(id: string, ownerId: string, expiresAt: Date): Promise<void>;
  expire(id: string, ownerId: string): Promise<void>;
  publish<D extends DescMessage>(descriptor: EventDescriptor<D>, message: MessageShape<D>): Promise<void>;
  /** A notifications pod (another, or one started again). */
  startPod(env?: Record<string, string>): Promise<RunningService>;
  /** `n` followers of `ownerId` written straight into social-graph's tables (accounts nobody signs in as); their ids. */
  addFollowers(ownerId: string, n: number): Promise<string[]>;
}

export async function startNotificationsPlatform(ctx: TestContext, env: Record<string, string> = {}, pods = 1): Promise<NotificationsPlatform> {
  const identity = await ctx.startIdentity();
  const graph = await startServiceProcess(ctx, 'social-graph', { AUTH_JWKS_URL: identity.jwksUrl, KAFKA_TOPIC_PARTITIONS: '2' });
  let podNumber = 0;
  const startPod = (extra: Record<string, string> = {}) =>
    startServiceProcess(ctx, 'notifications', {
      AUTH_JWKS_URL: identity.jwksUrl,
      SOCIAL_GRAPH_GRPC_URL: `127.0.0.1:${graph.grpcPort}`,
      NOTIFICATIONS_POD_ID: `pod-${podNumber++}`,
      NOTIFICATIONS_FANOUT_PARTITIONS: '4',
      KAFKA_TOPIC_PARTITIONS: '2',
      NOTIFICATIONS_TICK_SECONDS: '1',
      ...env,
      ...extra,
    });
  const started: RunningService[] = [];
  // One after the other: the first runs the schema's migrations.
  for (let i = 0; i < pods; i++) started.push(await startPod());
  const pg = new Client({ connectionString: ctx.infra.pgUrl });
  await pg.connect();
  ctx.onCleanup(() => pg.end());
  const schemas = { notifications: ctx.schema('notifications'), socialGraph: ctx.schema('social_graph') };
  await pg.query(`SET search_path TO "${schemas.notifications}", "${schemas.socialGraph}"`);
  const producer = createIdempotentProducer(ctx.kafka());
  await producer.connect();
  ctx.onCleanup(() => producer.disconnect());
  const publish = async <D extends DescMessage>(descriptor: EventDescriptor<D>, message: MessageShape<D>) => {
    const record = encodeEvent(descriptor, message, { id: randomUUID(), source: 'stream-sessions', time: new Date() });
    await producer.send({ topic: ctx.topicPrefix + descriptor.topic, acks: -1, messages: [record] });
  };
  const call = (base: string, method: string, path: string, user: TestUser, body?: unknown) =>
    fetch(`${base}${path}`, {
      method,
      headers: { ...user.authHeader, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
  const inbox = async (user: TestUser) => ((await (await call(started[0].url, 'GET', '/v1/notifications?limit=100', user)).json()) as { items: InboxItem[] }).items;
  return {
    identity: identity.url,
    graph,
    pods: started,
    schemas,
    sql: async (query, params = []) => (await pg.query(query, params)).rows,
    call,
    api: (method, path, user, body) => call(started[0].url, method, path, user, body),
    inbox,
    async waitForInbox(user, until, what, timeoutMs = 15_000) {
      let last: InboxItem[] = [];
      await waitUntil(async () => until((last = await inbox(user))), timeoutMs, what).catch((err: Error) => {
        throw new Error(`${err.message}; inbox ${JSON.stringify(last)}`);
      });
      return last;
    },
    async goLive(owner, o = {}) {
      const id = randomUUID();
      const v = o.visibility ?? 'public';
      const audience = v === 'public' ? { case: 'public' as const, value: true } : v === 'followers' ? { case: 'followers' as const, value: true } : { case: 'circleId' as const, value: v.circleId };
      await publish(
        BroadcastWentLiveEvent,
        create(BroadcastWentLiveSchema, {
          broadcastId: id,
          info: { broadcastId: id, ownerId: owner.id, title: o.title ?? 'Live now', language: 'en', visibility: { audience } },
          sfuNodeId: 'node-test',
          startedAt: timestampNow(),
        }),
      );
      return id;
    },
    replayReady: (id, ownerId, expiresAt) => publish(BroadcastReplayReadyEvent, create(BroadcastReplayReadySchema, { broadcastId: id, ownerId, durationMs: 60_000n, expiresAt: timestampFromDate(expiresAt) })),
    expire: (id, ownerId) => publish(BroadcastExpiredEvent, create(BroadcastExpiredSchema, { broadcastId: id, ownerId, expiredAt: timestampNow() })),
    publish,
    startPod: async (extra) => {
      const pod = await startPod(extra);
      started.push(pod);
      return pod;
    },
    async addFollowers(ownerId, n) {
      const ids: string[] = (await pg.query('SELECT gen_random_uuid()::text AS id FROM generate_series(1, $1)', [n])).rows.map((r: { id: string }) => r.id);
      await pg.query(`INSERT INTO "${schemas.socialGraph}".follow (followee_id, follower_id) SELECT $1, unnest($2::uuid[])`, [ownerId, ids]);
      return ids;
    },
  };
}

export interface SseStream {
  status: number;
  events: Array<{ event: string; data: Record<string, unknown> }>;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

/** An EventSource as a page opens it (with a ticket in the query), reading events as they come. */
export async function openStream(ctx: Pick<TestContext, 'onCleanup'>, url: string): Promise<SseStream> {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream' }, signal: abort.signal });
  const events: SseStream['events'] = [];
  ctx.onCleanup(async () => abort.abort());
  let ended: Promise<void> = Promise.resolve();
  if (res.status === 200 && res.body) {
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    ended = (async () => {
      let buffer = '';
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return;
          buffer += decoder.decode(value, { stream: true });
          for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            const event = /^event: (.*)$/m.exec(block)?.[1];
            const data = /^data: (.*)$/m.exec(block)?.[1];
            if (event && data) events.push({ event, data: JSON.parse(data) as Record<string, unknown> });
          }
        }
      } catch {
        // aborted by close()
      }
    })();
  } else {
    await res.body?.cancel();
  }
  return { status: res.status, events, ended, close: () => abort.abort() };
}
