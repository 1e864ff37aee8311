import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { findProtoDir, type KafkaConfig, kafkaConfig, kafkaEnv, type LogLevel, observabilityEnv, parseEnv, postgresConfig, postgresEnv } from '@onair/config';

const Env = z.object({
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(7102),
  GRPC_PORT: z.coerce.number().int().min(1).max(65535).default(7112),
  ...postgresEnv('social_graph'),
  ...kafkaEnv,
  AUTH_JWKS_URL: z.url({ protocol: /^https?$/ }),
  /** Root of the repository's `proto/` folder; the .proto files are loaded at run time. */
  PROTO_DIR: z.string().min(1).optional(),
  ...observabilityEnv,
});

export type { LogLevel } from '@onair/config';

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
  kafka: KafkaConfig;
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
    database: postgresConfig(e),
    kafka: kafkaConfig(e),
    auth: { jwksUrl: e.AUTH_JWKS_URL },
    otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT,
    logLevel: e.LOG_LEVEL,
  };
}
