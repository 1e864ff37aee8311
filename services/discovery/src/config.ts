import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import {
  findProtoDir,
  internalTlsEnv,
  type InternalTlsFiles,
  type KafkaConfig,
  kafkaConfig,
  kafkaEnv,
  listenEnv,
  type LogLevel,
  observabilityEnv,
  parseEnv,
  requiredInternalTls,
} from '@onair/config';
import { SOCIAL_GRAPH_PROTO } from '@onair/social-graph-client';

const int = (def: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(def);
const hostPort = (def: string) =>
  z
    .string()
    .regex(/^[a-zA-Z0-9.-]+:\d{1,5}$/, 'host:port')
    .default(def);

const Env = z.object({
  ...listenEnv(7106),
  // Required: social-graph's and stream-sessions' internal gRPC APIs take mutual TLS only.
  ...internalTlsEnv,
  ...kafkaEnv,
  AUTH_JWKS_URL: z.url({ protocol: /^https?$/ }),
  ELASTICSEARCH_URL: z.url({ protocol: /^https?$/ }),
  /**
   * Names of discovery's indices start with this: `<prefix>broadcasts` (an alias over one
   * generation `<prefix>broadcasts-<time>`) and `<prefix>accounts`. Tests isolate by it.
   */
  DISCOVERY_INDEX_PREFIX: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,60}$/)
    .default('discovery-'),
  /** Shards and replicas of a new broadcasts generation and of the accounts index. */
  DISCOVERY_SHARDS: int(1, 1, 64),
  DISCOVERY_REPLICAS: int(0, 0, 5),
  /**
   * Ended broadcasts whose replay never came, and tombstones of expired ones (kept so a late,
   * older event cannot bring a broadcast back), are deleted this long after; checked every
   * DISCOVERY_PURGE_INTERVAL_SECONDS by each pod.
   */
  DISCOVERY_ENDED_RETENTION_SECONDS: int(48 * 3600, 1, 30 * 86_400),
  DISCOVERY_GONE_RETENTION_SECONDS: int(3600, 1, 86_400),
  DISCOVERY_PURGE_INTERVAL_SECONDS: int(300, 1, 86_400),
  /** host:port of social-graph's internal gRPC API (circle membership for /following). */
  SOCIAL_GRAPH_GRPC_URL: hostPort('127.0.0.1:7112'),
  /** host:port of stream-sessions' internal gRPC API (the source of truth a reindex reads). */
  STREAM_SESSIONS_GRPC_URL: hostPort('127.0.0.1:7113'),
  GRPC_TIMEOUT_MS: int(2000, 100, 30_000),
  /** This pod's name in Kafka client ids. */
  DISCOVERY_POD_ID: z
    .string()
    .regex(/^[a-zA-Z0-9._-]{1,63}$/)
    .default(() => hostname().replace(/[^a-zA-Z0-9._-]/g, '-').slice(0, 63)),
  PROTO_DIR: z.string().optional(),
  ...observabilityEnv,
});

export type { LogLevel } from '@onair/config';

export interface DiscoveryConfig {
  httpPort: number;
  httpHost: string;
  kafka: KafkaConfig;
  auth: { jwksUrl: string };
  elasticsearch: { url: string; indexPrefix: string; shards: number; replicas: number };
  retention: { endedMs: number; goneMs: number; purgeIntervalMs: number };
  grpc: { socialGraph: string; streamSessions: string; timeoutMs: number; protoDir: string; tls: InternalTlsFiles };
  podId: string;
  otlpEndpoint?: string;
  logLevel: LogLevel;
}

export const DISCOVERY_CONFIG = Symbol('DiscoveryConfig');

/** Reads and validates the environment once, at boot; a bad value stops the process. */
export function loadConfig(env: Record<string, string | undefined> = process.env): DiscoveryConfig {
  const e = parseEnv('discovery', Env, env);
  const protoDir = resolve(e.PROTO_DIR ?? findProtoDir(SOCIAL_GRAPH_PROTO, __dirname));
  if (!existsSync(join(protoDir, SOCIAL_GRAPH_PROTO))) {
    throw new Error(`discovery: invalid configuration: PROTO_DIR: ${join(protoDir, SOCIAL_GRAPH_PROTO)} does not exist`);
  }
  return {
    httpPort: e.HTTP_PORT,
    httpHost: e.HTTP_HOST,
    kafka: kafkaConfig(e),
    auth: { jwksUrl: e.AUTH_JWKS_URL },
    elasticsearch: { url: e.ELASTICSEARCH_URL, indexPrefix: e.DISCOVERY_INDEX_PREFIX, shards: e.DISCOVERY_SHARDS, replicas: e.DISCOVERY_REPLICAS },
    retention: {
      endedMs: e.DISCOVERY_ENDED_RETENTION_SECONDS * 1000,
      goneMs: e.DISCOVERY_GONE_RETENTION_SECONDS * 1000,
      purgeIntervalMs: e.DISCOVERY_PURGE_INTERVAL_SECONDS * 1000,
    },
    grpc: {
      socialGraph: e.SOCIAL_GRAPH_GRPC_URL,
      streamSessions: e.STREAM_SESSIONS_GRPC_URL,
      timeoutMs: e.GRPC_TIMEOUT_MS,
      protoDir,
      tls: requiredInternalTls(e, 'discovery', "social-graph's and stream-sessions' gRPC APIs take mutual TLS only"),
    },
    podId: e.DISCOVERY_POD_ID,
    otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT,
    logLevel: e.LOG_LEVEL,
  };
}
