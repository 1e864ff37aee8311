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
  type LogLevel,
  observabilityEnv,
  parseEnv,
  postgresConfig,
  postgresEnv,
  requiredInternalTls,
} from '@onair/config';

const int = (def: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(def);

/** stream-sessions' internal gRPC contract (operators' live overview), relative to the proto root. */
export const STREAM_SESSIONS_PROTO = 'onair/stream_sessions/v1/stream_sessions_service.proto';

const Env = z.object({
  ...listenEnv(7108),
  // Required: stream-sessions' gRPC API (the live overview) takes mutual TLS only.
  ...internalTlsEnv,
  /** host:port of stream-sessions' internal gRPC API: live broadcasts, relay trees, SFU nodes' load. */
  STREAM_SESSIONS_GRPC_URL: z
    .string()
    .regex(/^[a-zA-Z0-9.-]+:\d{1,5}$/, 'host:port')
    .default('127.0.0.1:7113'),
  STREAM_SESSIONS_TIMEOUT_MS: int(3000, 100, 30_000),
  /** Root of the repository's `proto/` folder; stream-sessions' contract is loaded at run time. */
  PROTO_DIR: z.string().min(1).optional(),
  ...postgresEnv('ops'),
  ...kafkaEnv,
  AUTH_JWKS_URL: z.url({ protocol: /^https?$/ }),
  /** Open reports one account may have at once (reports past it: 429 OPS.TOO_MANY_OPEN_REPORTS). */
  OPS_OPEN_REPORTS_PER_REPORTER: int(50, 1, 10_000),
  ...observabilityEnv,
});

export type { LogLevel } from '@onair/config';

export interface OpsConfig {
  httpPort: number;
  httpHost: string;
  database: PostgresConfig;
  kafka: KafkaConfig;
  auth: { jwksUrl: string };
  openReportsPerReporter: number;
  streamSessions: { address: string; protoDir: string; timeoutMs: number; tls: InternalTlsFiles };
  otlpEndpoint?: string;
  logLevel: LogLevel;
}

export const OPS_CONFIG = Symbol('OpsConfig');

/** Reads and validates the environment once, at boot; a bad value stops the process. */
export function loadConfig(env: Record<string, string | undefined> = process.env): OpsConfig {
  const e = parseEnv('ops', Env, env);
  const protoDir = resolve(e.PROTO_DIR ?? findProtoDir(STREAM_SESSIONS_PROTO, __dirname));
  if (!existsSync(join(protoDir, STREAM_SESSIONS_PROTO))) {
    throw new Error(`ops: invalid configuration: PROTO_DIR: ${join(protoDir, STREAM_SESSIONS_PROTO)} does not exist`);
  }
  return {
    httpPort: e.HTTP_PORT,
    httpHost: e.HTTP_HOST,
    database: postgresConfig(e),
    kafka: kafkaConfig(e),
    auth: { jwksUrl: e.AUTH_JWKS_URL },
    openReportsPerReporter: e.OPS_OPEN_REPORTS_PER_REPORTER,
    streamSessions: {
      address: e.STREAM_SESSIONS_GRPC_URL,
      protoDir,
      timeoutMs: e.STREAM_SESSIONS_TIMEOUT_MS,
      tls: requiredInternalTls(e, 'ops', "stream-sessions' gRPC API takes mutual TLS only"),
    },
    otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT,
    logLevel: e.LOG_LEVEL,
  };
}
