import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import {
  type PostgresConfig,
  findProtoDir,
  internalTlsEnv,
  type InternalTlsFiles,
  type KafkaConfig,
  kafkaConfig,
  kafkaEnv,
  listenEnv,
  localStateDir,
  type LogLevel,
  observabilityEnv,
  parseEnv,
  postgresConfig,
  postgresEnv,
  requiredInternalTls,
} from '@onair/config';
import { SOCIAL_GRAPH_PROTO } from '@onair/social-graph-client';

const seconds = (def: number, min = 0) => z.coerce.number().min(min).default(def);

const Env = z.object({
  ...listenEnv(7103),
  /** The internal gRPC API (StreamSessionsService) for other OnAir services. */
  GRPC_PORT: z.coerce.number().int().min(1).max(65535).default(7113),
  /** Where the internal gRPC API listens: loopback on a laptop, 0.0.0.0 in a pod. */
  GRPC_HOST: z.union([z.ipv4(), z.ipv6(), z.literal('localhost')]).default('127.0.0.1'),
  /** Services whose certificates may call the gRPC API (comma-separated names): discovery (reindex), ops (live overview). */
  GRPC_ALLOWED_CLIENTS: z
    .string()
    .default('discovery,ops')
    .transform((s) => s.split(',').map((n) => n.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^[a-z][a-z0-9-]{0,62}$/)).min(1)),
  // Required: social-graph's gRPC API and this service's own take mutual TLS only (libs/service-tls).
  ...internalTlsEnv,
  ...postgresEnv('stream_sessions'),
  ...kafkaEnv,
  AUTH_JWKS_URL: z.url({ protocol: /^https?$/ }),
  /** host:port of social-graph's internal gRPC API. */
  SOCIAL_GRAPH_GRPC_URL: z
    .string()
    .regex(/^[a-zA-Z0-9.-]+:\d{1,5}$/, 'host:port')
    .default('127.0.0.1:7112'),
  SOCIAL_GRAPH_TIMEOUT_MS: z.coerce.number().int().min(100).max(30_000).default(2000),
  /** Root of the repository's `proto/` folder; the .proto files are loaded at run time. */
  PROTO_DIR: z.string().min(1).optional(),
  /** The replay store: `<REPLAY_DIR>/<broadcastId>/index.m3u8` and its segments, as the SFU writes them. */
  REPLAY_DIR: z.string().min(1).default(() => localStateDir('replays', __dirname)),
  REPLAY_TTL_HOURS: z.coerce.number().positive().default(24),
  /** Overrides REPLAY_TTL_HOURS when set (tests). */
  REPLAY_TTL_SECONDS: z.coerce.number().positive().optional(),
  PUBLISHER_GRACE_SECONDS: seconds(60),
  /** BroadcastStatsUpdated is published at most this often per broadcast. */
  STATS_INTERVAL_SECONDS: seconds(5, 0.1),
  /** A node's audience report older than this no longer counts. */
  AUDIENCE_STALE_SECONDS: seconds(20, 1),
  /**
   * An SFU node that has not reported its load for this long is forgotten by placement (nodes
   * report every second): a node that crashed gets nobody new within 3 s.
   */
  SFU_NODE_STALE_SECONDS: seconds(2.5, 0.5),
  /** The most nodes one node relays a broadcast to; past that, relaying nodes feed further ones (a tree). */
  SFU_RELAY_FANOUT: z.coerce.number().int().min(1).max(1000).default(8),
  /** The deepest level of a broadcast's relay tree (the origin is 0): 8 and 3 reach 584 nodes. */
  SFU_RELAY_MAX_DEPTH: z.coerce.number().int().min(1).max(16).default(3),
  // A viewer goes to the publisher's node only below this share of its consumer capacity, else to
  // another node relaying from it. Load reports arrive every few seconds, so the limit keeps
  // headroom for the viewers admitted between two reports; past its hard cap the node itself
  // answers SFU.ROOM_FULL.
  SFU_NODE_FILL_LIMIT: z.coerce.number().gt(0).max(1).default(0.9),
  /** How often the sweepers (auto-end, stats, replay expiry) look for due work. */
  SWEEP_INTERVAL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  MEDIA_TICKET_TTL_SECONDS: z.coerce.number().int().min(5).max(600).default(60),
  MEDIA_KEY_ROTATION_HOURS: z.coerce.number().min(1).default(24 * 7),
  // Longer than the SFU caches the media JWKS, so a new key is known before tickets carry it.
  MEDIA_KEY_PUBLISH_AHEAD_SECONDS: z.coerce.number().int().min(0).max(86400).default(900),
  MEDIA_KEY_CACHE_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  /**
   * The RTMP ingest's public address as encoders dial it (rtmp://host:1935/live), shown on the
   * go-live page beside the WHIP URL; unset: the page shows no RTMP URL.
   */
  STREAM_SESSIONS_RTMP_URL: z.url({ protocol: /^rtmps?$/ }).optional(),
  ...observabilityEnv,
});

export type { LogLevel } from '@onair/config';

export interface GrpcConfig {
  port: number;
  host: string;
  protoDir: string;
  /** This service's certificate; clients must present one from the same internal CA. */
  tls: InternalTlsFiles;
  /** Service names (certificate CNs) allowed to call. */
  allowedClients: string[];
}

export interface StreamSessionsConfig {
  httpPort: number;
  httpHost: string;
  grpc: GrpcConfig;
  database: PostgresConfig;
  kafka: KafkaConfig;
  auth: { jwksUrl: string };
  socialGraph: { address: string; protoDir: string; timeoutMs: number; tls: InternalTlsFiles };
  replays: { dir: string; ttlSeconds: number };
  lifecycle: { publisherGraceSeconds: number; sweepIntervalMs: number };
  stats: { intervalSeconds: number; audienceStaleSeconds: number };
  sfu: { nodeStaleSeconds: number; fillLimit: number; relayFanout: number; relayMaxDepth: number };
  tickets: { ttlSeconds: number };
  mediaKeys: { rotationHours: number; publishAheadSeconds: number; cacheSeconds: number };
  /** Where encoders push RTMP (the SFU nodes' RTMP listeners); shown to owners with their key. */
  rtmp: { url: string | null };
  otlpEndpoint?: string;
  logLevel: LogLevel;
}

export const STREAM_SESSIONS_CONFIG = Symbol('StreamSessionsConfig');

/** The service's own contract file, relative to the proto root. */
export const SERVICE_PROTO = 'onair/stream_sessions/v1/stream_sessions_service.proto';

/** The repository's proto/ folder, found from this module (PROTO_DIR overrides it). */
export const defaultProtoDir = (from = __dirname): string => findProtoDir(SERVICE_PROTO, from);

/** Reads and validates the environment once, at boot; a bad value stops the process. */
export function loadConfig(env: Record<string, string | undefined> = process.env): StreamSessionsConfig {
  const e = parseEnv('stream-sessions', Env, env);
  const protoDir = resolve(e.PROTO_DIR ?? defaultProtoDir());
  for (const file of [SERVICE_PROTO, SOCIAL_GRAPH_PROTO]) {
    if (!existsSync(join(protoDir, file))) {
      throw new Error(`stream-sessions: invalid configuration: PROTO_DIR: ${join(protoDir, file)} does not exist`);
    }
  }
  const tls = requiredInternalTls(e, 'stream-sessions', 'social-graph and its own gRPC API take mutual TLS only');
  return {
    httpPort: e.HTTP_PORT,
    httpHost: e.HTTP_HOST,
    grpc: { port: e.GRPC_PORT, host: e.GRPC_HOST, protoDir, tls, allowedClients: e.GRPC_ALLOWED_CLIENTS },
    database: postgresConfig(e),
    kafka: kafkaConfig(e),
    auth: { jwksUrl: e.AUTH_JWKS_URL },
    socialGraph: { address: e.SOCIAL_GRAPH_GRPC_URL, protoDir, timeoutMs: e.SOCIAL_GRAPH_TIMEOUT_MS, tls },
    replays: { dir: resolve(e.REPLAY_DIR), ttlSeconds: e.REPLAY_TTL_SECONDS ?? e.REPLAY_TTL_HOURS * 3600 },
    lifecycle: { publisherGraceSeconds: e.PUBLISHER_GRACE_SECONDS, sweepIntervalMs: e.SWEEP_INTERVAL_MS },
    stats: { intervalSeconds: e.STATS_INTERVAL_SECONDS, audienceStaleSeconds: e.AUDIENCE_STALE_SECONDS },
    sfu: { nodeStaleSeconds: e.SFU_NODE_STALE_SECONDS, fillLimit: e.SFU_NODE_FILL_LIMIT, relayFanout: e.SFU_RELAY_FANOUT, relayMaxDepth: e.SFU_RELAY_MAX_DEPTH },
    tickets: { ttlSeconds: e.MEDIA_TICKET_TTL_SECONDS },
    mediaKeys: {
      rotationHours: e.MEDIA_KEY_ROTATION_HOURS,
      publishAheadSeconds: e.MEDIA_KEY_PUBLISH_AHEAD_SECONDS,
      cacheSeconds: e.MEDIA_KEY_CACHE_SECONDS,
    },
    rtmp: { url: e.STREAM_SESSIONS_RTMP_URL ?? null },
    otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT,
    logLevel: e.LOG_LEVEL,
  };
}
