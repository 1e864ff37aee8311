// Test-only: boots the real stream-sessions in the suite's own schema and topic prefix, beside
// the real identity and social-graph (a process from its build: services may not import each
// other, not even their test harnesses), and stands in for the SFU by publishing the media
// events it declares (proto/onair/media/v1) with a plain kafkajs producer.
import type { DescMessage, MessageShape } from '@bufbuild/protobuf';
import { create, fromBinary, toBinary } from '@bufbuild/protobuf';
import { timestampFromDate } from '@bufbuild/protobuf/wkt';
import { Client, type ChannelCredentials, type ClientReadableStream, type Metadata, type ServiceError } from '@grpc/grpc-js';
import type { INestApplication } from '@nestjs/common';
import {
  AudienceReportedEvent,
  AudienceReportedSchema,
  NodeLoadReportedEvent,
  NodeLoadReportedSchema,
  PublisherJoinedEvent,
  PublisherJoinedSchema,
  PublisherLeftEvent,
  PublisherLeftSchema,
  RecordingFinishedEvent,
  RecordingFinishedSchema,
  StreamSessionsService,
  WorkerLoadSchema,
  type DiscoverableBroadcast,
  type EventDescriptor,
  type StreamDiscoverableBroadcastsResponse,
} from '@onair/contracts';
import { ERROR_CODE_TRAILER } from '@onair/grpc-service';
import { encodeEvent } from '@onair/kafka';
import { ServiceTls } from '@onair/service-tls';
import { freePort, json, repoRoot, serviceTlsEnv, waitUntil, type TestContext, type TestUser } from '@onair/testing';
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as PgClient } from 'pg';
import { loadConfig } from './config.js';
import { createStreamSessionsApp } from './stream-sessions-app.js';

export interface RunningSocialGraph {
  url: string;
  grpcAddress: string;
}

/** The real social-graph (services/social-graph/dist), in the suite's schema and topic prefix. */
export async function startSocialGraph(ctx: TestContext, jwksUrl: string): Promise<RunningSocialGraph> {
  const [httpPort, grpcPort] = [await freePort(), await freePort()];
  const child = spawn(
    process.execPath,
    ['--disable-warning=TimeoutNegativeWarning', join(repoRoot, 'services/social-graph/dist/src/main.js')],
    {
      env: {
        PATH: process.env.PATH,
        HTTP_PORT: String(httpPort),
        GRPC_PORT: String(grpcPort),
        DATABASE_URL: ctx.infra.pgUrl,
        DATABASE_SCHEMA: ctx.schema('social_graph'),
        KAFKA_BROKERS: ctx.infra.kafkaBrokers.join(','),
        KAFKA_TOPIC_PREFIX: ctx.topicPrefix,
        KAFKA_TOPIC_PARTITIONS: '2',
        AUTH_JWKS_URL: jwksUrl,
        LOG_LEVEL: 'warn',
        ...serviceTlsEnv(ctx.infra, 'social-graph'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout!.on('data', (d) => (output = (output + d).slice(-4000)));
  child.stderr!.on('data', (d) => (output = (output + d).slice(-4000)));
  ctx.onCleanup(async () => {
    child.kill('SIGTERM');
    await new Promise((r) => (child.exitCode !== null ? r(null) : child.once('exit', r)));
  });
  const url = `http://127.0.0.1:${httpPort}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`social-graph exited with ${child.exitCode}:\n${output}`);
    if (await fetch(`${url}/readyz`).then((r) => r.ok, () => false)) break;
    if (Date.now() > deadline) throw new Error(`social-graph not ready within 60 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { url, grpcAddress: `127.0.0.1:${grpcPort}` };
}

export interface RunningStreamSessions {
  app: INestApplication;
  url: string;
  /** host:port of its internal gRPC API (mutual TLS). */
  grpcAddress: string;
  schema: string;
  replayDir: string;
  jwksUrl: string;
}

/** stream-sessions in-process; `env` overrides its configuration (short grace, TTL, intervals). */
export async function startStreamSessions(
  ctx: TestContext,
  deps: { jwksUrl: string; socialGraphGrpc: string },
  env: Record<string, string> = {},
): Promise<RunningStreamSessions> {
  const schema = ctx.schema('stream_sessions');
  const replayDir = mkdtempSync(join(tmpdir(), 'onair-replays-'));
  const grpcPort = await freePort();
  const app = await createStreamSessionsApp(
    loadConfig({
      HTTP_PORT: '0',
      GRPC_PORT: String(grpcPort),
      DATABASE_URL: ctx.infra.pgUrl,
      DATABASE_SCHEMA: schema,
      KAFKA_BROKERS: ctx.infra.kafkaBrokers.join(','),
      KAFKA_TOPIC_PREFIX: ctx.topicPrefix,
      KAFKA_TOPIC_PARTITIONS: '2',
      AUTH_JWKS_URL: deps.jwksUrl,
      SOCIAL_GRAPH_GRPC_URL: deps.socialGraphGrpc,
      REPLAY_DIR: replayDir,
      SWEEP_INTERVAL_MS: '200',
      LOG_LEVEL: 'error',
      ...serviceTlsEnv(ctx.infra, 'stream-sessions'),
      ...env,
    }),
  );
  ctx.onCleanup(async () => {
    await app.close();
    rmSync(replayDir, { recursive: true, force: true });
  });
  await app.startAllMicroservices();
  await app.listen(0, '127.0.0.1');
  const url = await app.getUrl();
  return { app, url, grpcAddress: `127.0.0.1:${grpcPort}`, schema, replayDir, jwksUrl: `${url}/.well-known/media-jwks.json` };
}

/** identity, social-graph and stream-sessions for one suite. */
export async function startPlatform(ctx: TestContext, env: Record<string, string> = {}) {
  const identity = await ctx.startIdentity();
  const graph = await startSocialGraph(ctx, identity.jwksUrl);
  const sessions = await startStreamSessions(ctx, { jwksUrl: identity.jwksUrl, socialGraphGrpc: graph.grpcAddress }, env);
  return { identity, graph, sessions };
}

/** Where FakeSfu's nodes say other nodes relay from them. */
export const sfuRelayUrl = (nodeId: string) => `ws://${nodeId}.sfu.internal.test:7104/v1/sfu/relay`;

/** The SFU's side of the conversation: its declared events, published as sfu-worker would. */
export class FakeSfu {
  private constructor(
    private readonly ctx: TestContext,
    private readonly producer: ReturnType<ReturnType<TestContext['kafka']>['producer']>,
  ) {}

  static async connect(ctx: TestContext): Promise<FakeSfu> {
    const producer = ctx.kafka().producer({ allowAutoTopicCreation: false });
    await producer.connect();
    ctx.onCleanup(() => producer.disconnect());
    return new FakeSfu(ctx, producer);
  }

  async publish<D extends DescMessage>(descriptor: EventDescriptor<D>, message: MessageShape<D>): Promise<void> {
    const record = encodeEvent(descriptor, message, { id: randomUUID(), source: 'sfu-worker', time: new Date() });
    await this.producer.send({
      topic: this.ctx.topicPrefix + descriptor.topic,
      acks: -1,
      messages: [{ key: record.key, value: record.value, headers: record.headers }],
    });
  }

  /** `relayUrl` '' reports as a node from before relaying does. */
  nodeLoad(nodeId: string, consumers = 0, capacity = 1000, relayUrl = sfuRelayUrl(nodeId), draining = false, relays: Array<{ broadcastId: string; parentNodeId: string }> = []) {
    return this.publish(
      NodeLoadReportedEvent,
      create(NodeLoadReportedSchema, {
        nodeId,
        signallingUrl: `ws://${nodeId}.sfu.test/ws`,
        relayUrl,
        workers: [create(WorkerLoadSchema, { pid: 1, routers: 1, consumers, cpuPercent: consumers / 10, bitrateBps: 0n })],
        consumerCapacity: capacity,
        draining,
        relays,
        at: timestampFromDate(new Date()),
      }),
    );
  }

  /** A node signalling at `signallingUrl` that relays nothing, idle, with room for 1000 viewers. */
  standaloneNode(nodeId: string, signallingUrl: string) {
    return this.publish(
      NodeLoadReportedEvent,
      create(NodeLoadReportedSchema, {
        nodeId,
        signallingUrl,
        relayUrl: '',
        workers: [create(WorkerLoadSchema, { pid: 1, routers: 0, consumers: 0, cpuPercent: 0, bitrateBps: 0n })],
        consumerCapacity: 1000,
        at: timestampFromDate(new Date()),
      }),
    );
  }

  joined(broadcastId: string, nodeId: string, publisherId: string) {
    const at = timestampFromDate(new Date());
    return this.publish(PublisherJoinedEvent, create(PublisherJoinedSchema, { broadcastId, nodeId, publisherId, at }));
  }

  left(broadcastId: string, nodeId: string, publisherId: string) {
    const at = timestampFromDate(new Date());
    return this.publish(PublisherLeftEvent, create(PublisherLeftSchema, { broadcastId, nodeId, publisherId, at }));
  }

  audience(broadcastId: string, nodeId: string, viewers: number) {
    const at = timestampFromDate(new Date());
    return this.publish(AudienceReportedEvent, create(AudienceReportedSchema, { broadcastId, nodeId, viewers, at }));
  }

  recordingFinished(broadcastId: string, nodeId: string, durationMs: number, segments: number) {
    return this.publish(
      RecordingFinishedEvent,
      create(RecordingFinishedSchema, {
        broadcastId,
        nodeId,
        playlist: `${broadcastId}/index.m3u8`,
        durationMs: BigInt(durationMs),
        segments,
      }),
    );
  }
}

/** Direct SQL on the suite's schema, for checks. */
export async function sql(ctx: TestContext, schema: string): Promise<PgClient> {
  const pg = new PgClient({ connectionString: ctx.infra.pgUrl, options: `-c search_path=${schema}` });
  await pg.connect();
  ctx.onCleanup(() => pg.end());
  return pg;
}

/** HTTP with a user's Authorization header. */
export function httpClient(base: string) {
  return (method: string, path: string, user?: TestUser, body?: unknown) =>
    fetch(`${base}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(user?.authHeader ?? {}) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
}

/** Resolves once placement knows an SFU node: a new broadcast of `owner` gets a publish ticket. */
export async function untilPlacementKnowsANode(call: ReturnType<typeof httpClient>, owner: TestUser): Promise<void> {
  const probe = await json(await call('POST', '/v1/broadcasts', owner, newBroadcast()));
  await waitUntil(async () => (await call('POST', `/v1/broadcasts/${probe.id}/tickets`, owner, { role: 'publish' })).status === 201, 20_000, 'the SFU node known');
}

export const newBroadcast = (overrides: Record<string, unknown> = {}) => ({
  title: 'Sunset over the harbour',
  topics: ['travel'],
  language: 'en',
  visibility: 'public',
  ...overrides,
});

/**
 * StreamSessionsService as discovery calls it: over mutual TLS, with the messages of
 * libs/contracts on the wire (what a TypeScript caller decodes, int64 as bigint, Timestamps).
 */
export class StreamSessionsGrpcClient {
  private readonly client: Client;

  constructor(address: string, creds: ChannelCredentials) {
    this.client = new Client(address, creds, { ...ServiceTls.grpcChannelOptions('stream-sessions'), 'grpc.initial_reconnect_backoff_ms': 100 });
  }

  /** Presenting `as`'s certificate from the local internal CA (discovery, the allowed caller, by default). */
  static as(address: string, ctx: TestContext, as = 'discovery'): StreamSessionsGrpcClient {
    const pki = ctx.infra.pkiDir;
    const tls = ServiceTls.load({ caFile: join(pki, 'ca.crt'), certFile: join(pki, `${as}.crt`), keyFile: join(pki, `${as}.key`) });
    return new StreamSessionsGrpcClient(address, tls.grpcChannelCredentials());
  }

  streamDiscoverableBroadcasts(request: { pageSize?: number }): ClientReadableStream<StreamDiscoverableBroadcastsResponse> {
    const method = StreamSessionsService.method.streamDiscoverableBroadcasts;
    return this.client.makeServerStreamRequest(
      `/${StreamSessionsService.typeName}/${method.name}`,
      (message: MessageShape<typeof method.input>) => Buffer.from(toBinary(method.input, message)),
      (bytes: Buffer) => fromBinary(method.output, bytes),
      create(method.input, request),
    );
  }

  /** Every page of a StreamDiscoverableBroadcasts call. */
  pages(request: { pageSize?: number }): Promise<DiscoverableBroadcast[][]> {
    return new Promise((resolve, reject) => {
      const pages: DiscoverableBroadcast[][] = [];
      const call = this.streamDiscoverableBroadcasts(request);
      call.on('data', (page: StreamDiscoverableBroadcastsResponse) => pages.push(page.broadcasts));
      call.on('error', reject);
      call.on('end', () => resolve(pages));
    });
  }

  close() {
    this.client.close();
  }
}

/** The stable code of a failed gRPC call (trailer `onair-error-code`). */
export const grpcErrorCode = (err: ServiceError) => (err.metadata as Metadata).get(ERROR_CODE_TRAILER)[0];
