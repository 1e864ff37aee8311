// Test-only: the real platform around chat (identity, social-graph, stream-sessions, and chat
// pods, each a process from its build), a broadcast made live the way an SFU node does it (its
// PublisherJoined event), and a chat client speaking PROTOCOL.md over a WebSocket.
import { create } from '@bufbuild/protobuf';
import { timestampNow } from '@bufbuild/protobuf/wkt';
import { PublisherJoinedEvent, PublisherJoinedSchema } from '@onair/contracts';
import { encodeEvent } from '@onair/kafka';
import { freePort, json, startServiceProcess, waitUntil, type RunningService, type TestContext, type TestUser } from '@onair/testing';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';

export interface ChatPlatform {
  identity: string;
  graph: string;
  sessions: string;
  pods: RunningService[];
  /** A user's call to the platform's HTTP APIs (as the edge would route it). */
  call(base: string, method: string, path: string, user: TestUser, body?: unknown): Promise<Response>;
  /** A live broadcast of `owner` (`visibility` as stream-sessions takes it). */
  liveBroadcast(owner: TestUser, visibility?: string): Promise<string>;
  chatTicket(user: TestUser, broadcastId: string): Promise<Response>;
  /** A chat socket of `user` on pod `pod`, its `joined` received. */
  join(user: TestUser, broadcastId: string, pod?: number): Promise<ChatClient>;
}

/** identity, social-graph, stream-sessions and `pods` chat processes sharing one schema, as pods do. */
export async function startChatPlatform(ctx: TestContext, chatEnv: Record<string, string> = {}, pods = 2, sessionsEnv: Record<string, string> = {}): Promise<ChatPlatform> {
  const identity = await ctx.startIdentity();
  const grpcPort = await freePort();
  const replays = mkdtempSync(join(tmpdir(), 'onair-replays-'));
  ctx.onCleanup(async () => rmSync(replays, { recursive: true, force: true }));
  const graph = await startServiceProcess(ctx, 'social-graph', { AUTH_JWKS_URL: identity.jwksUrl, GRPC_PORT: String(grpcPort), KAFKA_TOPIC_PARTITIONS: '2' });
  const sessions = await startServiceProcess(ctx, 'stream-sessions', {
    AUTH_JWKS_URL: identity.jwksUrl,
    SOCIAL_GRAPH_GRPC_URL: `127.0.0.1:${grpcPort}`,
    REPLAY_DIR: replays,
    SWEEP_INTERVAL_MS: '200',
    STATS_INTERVAL_SECONDS: '0.2',
    KAFKA_TOPIC_PARTITIONS: '2',
    ...sessionsEnv,
  });
  const started: RunningService[] = [];
  // One after the other: the first runs the schema's migrations.
  for (let i = 0; i < pods; i++) {
    started.push(
      await startServiceProcess(ctx, 'chat', {
        AUTH_JWKS_URL: identity.jwksUrl,
        MEDIA_TICKET_JWKS_URL: `${sessions.url}/.well-known/media-jwks.json`,
        CHAT_POD_ID: `pod-${i}`,
        CHAT_PARTITIONS: '8',
        KAFKA_TOPIC_PARTITIONS: '2',
        CHAT_PRESENCE_INTERVAL_MS: '300',
        ...chatEnv,
      }),
    );
  }
  const call = (base: string, method: string, path: string, user: TestUser, body?: unknown) =>
    fetch(`${base}${path}`, {
      method,
      headers: { ...user.authHeader, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  const producer = ctx.kafka().producer({ allowAutoTopicCreation: false });
  await producer.connect();
  ctx.onCleanup(() => producer.disconnect());
  const platform: ChatPlatform = {
    identity: identity.url,
    graph: graph.url,
    sessions: sessions.url,
    pods: started,
    call,
    async liveBroadcast(owner, visibility = 'public') {
      const res = await call(sessions.url, 'POST', '/v1/broadcasts', owner, { title: 'Chat test', language: 'en', visibility });
      if (res.status !== 201) throw new Error(`creating a broadcast answered ${res.status}: ${await res.text()}`);
      const { id } = (await res.json()) as { id: string };
      const joined = create(PublisherJoinedSchema, { broadcastId: id, nodeId: 'node-test', publisherId: owner.id, at: timestampNow() });
      const record = encodeEvent(PublisherJoinedEvent, joined, { id: randomUUID(), source: 'sfu-worker', time: new Date() });
      await producer.send({ topic: ctx.topicPrefix + PublisherJoinedEvent.topic, acks: -1, messages: [record] });
      await waitUntil(async () => (await json(await call(sessions.url, 'GET', `/v1/broadcasts/${id}`, owner))).state === 'live', 20_000, 'the broadcast live');
      return id;
    },
    chatTicket: (user, broadcastId) => call(sessions.url, 'POST', `/v1/broadcasts/${broadcastId}/tickets`, user, { role: 'chat' }),
    async join(user, broadcastId, pod = 0) {
      const res = await platform.chatTicket(user, broadcastId);
      if (res.status !== 201) throw new Error(`chat ticket answered ${res.status}: ${await res.text()}`);
      const { ticket } = (await res.json()) as { ticket: string };
      const client = await ChatClient.connect(ctx, `${started[pod].url.replace('http', 'ws')}/v1/chat/socket?ticket=${ticket}&broadcastId=${broadcastId}`);
      await client.next('joined');
      return client;
    },
  };
  return platform;
}

export interface ChatFrame {
  type: string;
  id?: string | number | null;
  error?: { code: string; message: string; details?: Record<string, unknown> };
  [key: string]: unknown;
}

/** A chat client as the web pages speak it: every frame kept, waits by type. */
export class ChatClient {
  readonly frames: ChatFrame[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private nextId = 1;

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    ws.on('message', (data) => this.frames.push(JSON.parse(data.toString()) as ChatFrame));
  }

  static async connect(ctx: Pick<TestContext, 'onCleanup'>, url: string): Promise<ChatClient> {
    const ws = new WebSocket(url);
    const client = new ChatClient(ws);
    ctx.onCleanup(async () => ws.terminate());
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  get open(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }

  /** Sends a request with an id; resolves with its `ack` or `error`. */
  async request(frame: Record<string, unknown>): Promise<ChatFrame> {
    const id = this.nextId++;
    const from = this.frames.length;
    this.send({ ...frame, id });
    await waitUntil(() => this.frames.slice(from).some((f) => f.id === id), 15_000, `an answer to ${frame.type} ${id}`);
    return this.frames.slice(from).find((f) => f.id === id)!;
  }

  /** The first frame of `type` (that `where` accepts) at or after index `from`. */
  async next(type: string, where: (f: ChatFrame) => boolean = () => true, from = 0, timeoutMs = 15_000): Promise<ChatFrame> {
    await waitUntil(() => this.frames.slice(from).some((f) => f.type === type && where(f)), timeoutMs, `a ${type} frame`);
    return this.frames.slice(from).find((f) => f.type === type && where(f))!;
  }

  /** Every message text this socket was delivered, in order. */
  get texts(): string[] {
    return this.frames.filter((f) => f.type === 'messages').flatMap((f) => (f.items as Array<{ text: string }>).map((i) => i.text));
  }

  lastState(): ChatFrame | undefined {
    return this.frames.filter((f) => f.type === 'state').at(-1);
  }
}
