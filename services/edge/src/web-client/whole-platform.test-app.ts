// Test-only: every service of the platform as a process from its build, on the suite's real
// PostgreSQL, Kafka, Elasticsearch and mediasoup, behind an edge that serves the web client:
// what a person meets at http://127.0.0.1:8080/ after `tools/onair up`, nothing stood in for.
import type { INestApplication } from '@nestjs/common';
import { freePort, repoRoot, startServiceProcess, type RunningService, type TestContext } from '@onair/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../config.js';
import { createEdgeApp } from '../edge-app.js';
import { startSfuNode } from './sfu-node.test-app.js';

/** The build to serve: this checkout's (the edge's default) unless a test run names another. */
const WEB_ROOT = process.env.ONAIR_TEST_WEB_ROOT || join(repoRoot, 'services/web/dist');

export interface WholePlatform {
  /** The edge's origin: the web client and every API. */
  base: string;
  edge: INestApplication;
  services: Record<'identity' | 'social-graph' | 'stream-sessions' | 'sfu-worker' | 'chat' | 'notifications' | 'discovery' | 'ops', RunningService | { url: string }>;
}

export interface WholePlatformOptions {
  /** On top of the SFU node's own (e.g. SFU_MAX_CONSUMERS_PER_ROUTER, to fill its one Router). */
  sfuEnv?: Record<string, string>;
}

export async function startWholePlatform(ctx: TestContext, options: WholePlatformOptions = {}): Promise<WholePlatform> {
  const replays = mkdtempSync(join(tmpdir(), 'onair-replays-'));
  ctx.onCleanup(async () => rmSync(replays, { recursive: true, force: true }));
  const [edgePort, rtmpPort] = [await freePort(), await freePort()];
  const identity = await ctx.startIdentity();
  const auth = { AUTH_JWKS_URL: identity.jwksUrl, KAFKA_TOPIC_PARTITIONS: '2' };
  const graph = await startServiceProcess(ctx, 'social-graph', auth);
  const graphGrpc = `127.0.0.1:${graph.grpcPort}`;
  // Its one SFU node never goes silent: a wider staleness keeps it placeable when a loaded
  // machine delays its load reports past the 2.5 s default.
  const sessions = await startServiceProcess(ctx, 'stream-sessions', {
    ...auth,
    SOCIAL_GRAPH_GRPC_URL: graphGrpc,
    REPLAY_DIR: replays,
    SFU_NODE_STALE_SECONDS: '15',
    // Encoders push RTMP to the node's listener, which asks stream-sessions for the key.
    STREAM_SESSIONS_RTMP_URL: `rtmp://127.0.0.1:${rtmpPort}/live`,
  });
  const mediaJwks = `${sessions.url}/.well-known/media-jwks.json`;
  const [sfu, chat, notifications, discovery, ops] = await Promise.all([
    // Signalling through the edge, as `tools/onair up` has it: the page's only origin.
    startSfuNode(ctx, {
      name: 'node',
      jwksUrl: mediaJwks,
      replays,
      signallingUrl: `ws://127.0.0.1:${edgePort}/v1/sfu/signal`,
      env: { KAFKA_TOPIC_PARTITIONS: '2', SFU_RTMP_PORT: String(rtmpPort), SFU_STREAM_SESSIONS_URL: sessions.url, ...options.sfuEnv },
    }).then((node) => node.service),
    startServiceProcess(ctx, 'chat', { ...auth, MEDIA_TICKET_JWKS_URL: mediaJwks, CHAT_PRESENCE_INTERVAL_MS: '500' }),
    startServiceProcess(ctx, 'notifications', {
      ...auth,
      SOCIAL_GRAPH_GRPC_URL: graphGrpc,
      NOTIFICATIONS_POD_ID: 'pod-0',
      NOTIFICATIONS_FANOUT_PARTITIONS: '2',
      NOTIFICATIONS_TICK_SECONDS: '1',
    }),
    startServiceProcess(ctx, 'discovery', {
      ...auth,
      ELASTICSEARCH_URL: ctx.infra.esUrl,
      DISCOVERY_INDEX_PREFIX: ctx.indexPrefix,
      SOCIAL_GRAPH_GRPC_URL: graphGrpc,
    }),
    // The live overview reads stream-sessions' gRPC API (mutual TLS).
    startServiceProcess(ctx, 'ops', { ...auth, STREAM_SESSIONS_GRPC_URL: `127.0.0.1:${sessions.grpcPort}` }),
  ]);
  const services = { identity: { url: identity.url }, 'social-graph': graph, 'stream-sessions': sessions, 'sfu-worker': sfu, chat, notifications, discovery, ops };
  // The edge's own routes (EDGE_ROUTES' default, as on a laptop), to these processes' ports.
  const edge = await createEdgeApp(
    loadConfig({
      LOG_LEVEL: 'error',
      EDGE_SERVICES: Object.entries(services).map(([name, s]) => `${name}=${s.url}`).join(','),
      EDGE_WEB_ROOT: WEB_ROOT,
    }),
  );
  await edge.listen(edgePort, '127.0.0.1');
  ctx.onCleanup(() => edge.close());
  return { base: await edge.getUrl(), edge, services };
}
