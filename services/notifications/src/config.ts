import { GoLiveChunkEvent } from '@onair/contracts';
import { prefixed, type KafkaOptions } from '@onair/kafka';
import { SOCIAL_GRAPH_PROTO } from '@onair/social-graph-client';
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
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
  type LogLevel,
  observabilityEnv,
  parseEnv,
  postgresConfig,
  postgresEnv,
  requiredInternalTls,
} from '@onair/config';

const int = (def: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(def);

/** The browsers' push services; a subscription elsewhere is refused (the server would POST wherever a client says). */
const PUSH_HOSTS = 'fcm.googleapis.com,updates.push.services.mozilla.com,web.push.apple.com,*.notify.windows.com';

const Env = z
  .object({
    ...listenEnv(7107),
    // Required: social-graph's gRPC API takes mutual TLS only.
    ...internalTlsEnv,
    ...postgresEnv('notifications'),
    ...kafkaEnv,
    AUTH_JWKS_URL: z.url({ protocol: /^https?$/ }),
    SOCIAL_GRAPH_GRPC_URL: z
      .string()
      .regex(/^[a-zA-Z0-9.-]+:\d{1,5}$/, 'host:port')
      .default('127.0.0.1:7112'),
    /** Per page of followers streamed from social-graph (a fan-out of millions takes many). */
    GRPC_TIMEOUT_MS: int(10_000, 100, 120_000),
    PROTO_DIR: z.string().optional(),
    /** This pod's name in fan-out leases and Kafka client ids. */
    NOTIFICATIONS_POD_ID: z
      .string()
      .regex(/^[a-zA-Z0-9._-]{1,63}$/)
      .default(() => hostname().replace(/[^a-zA-Z0-9._-]/g, '-').slice(0, 63)),
    /** Partitions of notifications.fanout.v1 (when notifications creates it): how many consumers deliver one go-live at once. */
    NOTIFICATIONS_FANOUT_PARTITIONS: int(24, 1, 10_000),
    /** Recipients per fan-out chunk. */
    NOTIFICATIONS_FANOUT_CHUNK: int(1000, 1, 5000),
    /** Fan-out chunks one pod writes at once (each its own transaction and database connection). */
    NOTIFICATIONS_FANOUT_CONCURRENCY: int(4, 1, 32),
    /** A fan-out whose pod stopped renewing its lease this long is resumed by another. */
    NOTIFICATIONS_FANOUT_LEASE_SECONDS: int(30, 1, 3600),
    /** Go-live notifications per recipient per hour; past it, one digest counts the rest. */
    NOTIFICATIONS_GO_LIVE_PER_HOUR: int(10, 1, 1000),
    /** VAPID keys (base64url, as web-push makes them); unset: a pair made once and kept in the schema. */
    NOTIFICATIONS_VAPID_PUBLIC_KEY: z.string().regex(/^[A-Za-z0-9_-]{87}$/, 'a base64url P-256 public key').optional(),
    NOTIFICATIONS_VAPID_PRIVATE_KEY: z.string().regex(/^[A-Za-z0-9_-]{43}$/, 'a base64url P-256 private key').optional(),
    /** Who the push services may contact about this sender. */
    NOTIFICATIONS_VAPID_SUBJECT: z
      .string()
      .regex(/^(mailto:[^\s@]+@[^\s@]+|https:\/\/\S+)$/, 'mailto:<address> or an https URL')
      .default('mailto:push@onair.example'),
    /** Hosts (host or host:port; `*.` for subdomains) push subscriptions may point at. */
    NOTIFICATIONS_PUSH_HOSTS: z
      .string()
      .default(PUSH_HOSTS)
      .transform((s) => s.split(',').map((h) => h.trim().toLowerCase()).filter(Boolean))
      .pipe(z.array(z.string().regex(/^(\*\.)?[a-z0-9.-]+(:\d{1,5})?$/)).min(1)),
    /** An extra CA for push services' TLS (a local push service in tests); unset in production. */
    NOTIFICATIONS_PUSH_CA_FILE: z.string().optional(),
    NOTIFICATIONS_SUBSCRIPTIONS_PER_ACCOUNT: int(10, 1, 100),
    NOTIFICATIONS_STREAMS_PER_ACCOUNT: int(5, 1, 100),
    NOTIFICATIONS_STREAMS_PER_POD: int(20_000, 1, 1_000_000),
    /** A comment line on every live stream this often: proxies keep it open, a revoked session's is closed. */
    NOTIFICATIONS_STREAM_HEARTBEAT_SECONDS: int(20, 1, 300),
    NOTIFICATIONS_INBOX_RETENTION_DAYS: int(30, 1, 3650),
    /** How often due reminders and old rows are looked at. */
    NOTIFICATIONS_TICK_SECONDS: int(5, 1, 3600),
    ...observabilityEnv,
  })
  .refine((e) => !!e.NOTIFICATIONS_VAPID_PUBLIC_KEY === !!e.NOTIFICATIONS_VAPID_PRIVATE_KEY, {
    message: 'set both VAPID keys or neither',
    path: ['NOTIFICATIONS_VAPID_PRIVATE_KEY'],
  });

export type { LogLevel } from '@onair/config';

export interface NotificationsConfig {
  httpPort: number;
  httpHost: string;
  database: PostgresConfig;
  kafka: KafkaConfig;
  auth: { jwksUrl: string };
  socialGraph: { address: string; protoDir: string; timeoutMs: number; tls: InternalTlsFiles };
  podId: string;
  fanout: { partitions: number; chunk: number; concurrency: number; leaseMs: number };
  goLivePerHour: number;
  push: { vapid?: { publicKey: string; privateKey: string }; subject: string; hosts: string[]; caFile?: string; perAccount: number };
  streams: { perAccount: number; perPod: number; heartbeatMs: number };
  inboxRetentionDays: number;
  tickMs: number;
  otlpEndpoint?: string;
  logLevel: LogLevel;
}

export const NOTIFICATIONS_CONFIG = Symbol('NotificationsConfig');

/** This pod's Kafka options: the fan-out topic gets NOTIFICATIONS_FANOUT_PARTITIONS partitions when notifications creates it. */
export function notificationsKafkaOptions(config: NotificationsConfig): KafkaOptions {
  const base = { clientId: `notifications-${config.podId}`, ...config.kafka };
  return { ...base, partitions: { [prefixed(base, GoLiveChunkEvent.topic)]: config.fanout.partitions } };
}

/** Reads and validates the environment once, at boot; a bad value stops the process. */
export function loadConfig(env: Record<string, string | undefined> = process.env): NotificationsConfig {
  const e = parseEnv('notifications', Env, env);
  const protoDir = resolve(e.PROTO_DIR ?? findProtoDir(SOCIAL_GRAPH_PROTO, __dirname));
  if (!existsSync(join(protoDir, SOCIAL_GRAPH_PROTO))) {
    throw new Error(`notifications: invalid configuration: PROTO_DIR: ${join(protoDir, SOCIAL_GRAPH_PROTO)} does not exist`);
  }
  return {
    httpPort: e.HTTP_PORT,
    httpHost: e.HTTP_HOST,
    database: postgresConfig(e),
    kafka: kafkaConfig(e),
    auth: { jwksUrl: e.AUTH_JWKS_URL },
    socialGraph: { address: e.SOCIAL_GRAPH_GRPC_URL, protoDir, timeoutMs: e.GRPC_TIMEOUT_MS, tls: requiredInternalTls(e, 'notifications', "social-graph's gRPC API takes mutual TLS only") },
    podId: e.NOTIFICATIONS_POD_ID,
    fanout: { partitions: e.NOTIFICATIONS_FANOUT_PARTITIONS, chunk: e.NOTIFICATIONS_FANOUT_CHUNK, concurrency: e.NOTIFICATIONS_FANOUT_CONCURRENCY, leaseMs: e.NOTIFICATIONS_FANOUT_LEASE_SECONDS * 1000 },
    goLivePerHour: e.NOTIFICATIONS_GO_LIVE_PER_HOUR,
    push: {
      vapid: e.NOTIFICATIONS_VAPID_PUBLIC_KEY && e.NOTIFICATIONS_VAPID_PRIVATE_KEY ? { publicKey: e.NOTIFICATIONS_VAPID_PUBLIC_KEY, privateKey: e.NOTIFICATIONS_VAPID_PRIVATE_KEY } : undefined,
      subject: e.NOTIFICATIONS_VAPID_SUBJECT,
      hosts: e.NOTIFICATIONS_PUSH_HOSTS,
      caFile: e.NOTIFICATIONS_PUSH_CA_FILE,
      perAccount: e.NOTIFICATIONS_SUBSCRIPTIONS_PER_ACCOUNT,
    },
    streams: { perAccount: e.NOTIFICATIONS_STREAMS_PER_ACCOUNT, perPod: e.NOTIFICATIONS_STREAMS_PER_POD, heartbeatMs: e.NOTIFICATIONS_STREAM_HEARTBEAT_SECONDS * 1000 },
    inboxRetentionDays: e.NOTIFICATIONS_INBOX_RETENTION_DAYS,
    tickMs: e.NOTIFICATIONS_TICK_SECONDS * 1000,
    otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT,
    logLevel: e.LOG_LEVEL,
  };
}
