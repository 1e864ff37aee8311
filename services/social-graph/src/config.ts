import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { findProtoDir, parseEnv } from '@onair/config';

const Env = z.object({
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(7102),
  GRPC_PORT: z.coerce.number().int().min(1).max(65535).default(7112),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/)
    .default('social_graph'),
  KAFKA_BROKERS: z.string().min(1),
  KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9._-]*$/)
    .default(''),
  KAFKA_TOPIC_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(6),
  AUTH_JWKS_URL: z.url({ protocol: /^https?$/ }),
  /** Root of the repository's `proto/` folder; the .proto files are loaded at run time. */
  PROTO_DIR: z.string().min(1).optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  LOG_LEVEL: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
});

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';

export interface DatabaseConfig {
  url: string;
  schema: string;
}

export interface GrpcConfig {
  port: number;
  protoDir: string;
}

export interface SocialGraphConfig {
  httpPort: number;
  grpc: GrpcConfig;
  database: DatabaseConfig;
  kafka: { brokers: string[]; topicPrefix: string; defaultPartitions: number };
  auth: { jwksUrl: string };
  otlpEndpoint?: string;
  logLevel: LogLevel;
}

/** The service's own contract file, relative to the proto root. */
export const SERVICE_PROTO = 'onair/social_graph/v1/social_graph_service.proto';

/** The repository's proto/ folder, found from this module (PROTO_DIR overrides it). */
export const defaultProtoDir = (from = __dirname): string => findProtoDir(SERVICE_PROTO, from);

/** Reads and validates the environment once, at boot; a bad value stops the process. */
export function loadConfig(env: Record<string, string | undefined> = process.env): SocialGraphConfig {
  const e = parseEnv('social-graph', Env, env);
  const protoDir = resolve(e.PROTO_DIR ?? defaultProtoDir());
  if (!existsSync(join(protoDir, SERVICE_PROTO))) {
    throw new Error(
      `social-graph: invalid configuration: PROTO_DIR: ${join(protoDir, SERVICE_PROTO)} does not exist`,
    );
  }
  return {
    httpPort: e.HTTP_PORT,
    grpc: { port: e.GRPC_PORT, protoDir },
    database: { url: e.DATABASE_URL, schema: e.DATABASE_SCHEMA },
    kafka: {
      brokers: e.KAFKA_BROKERS.split(',').map((b) => b.trim()),
      topicPrefix: e.KAFKA_TOPIC_PREFIX,
      defaultPartitions: e.KAFKA_TOPIC_PARTITIONS,
    },
    auth: { jwksUrl: e.AUTH_JWKS_URL },
    otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT,
    logLevel: e.LOG_LEVEL,
  };
}
