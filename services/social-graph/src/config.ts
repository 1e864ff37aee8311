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

const Env = z.object({
  ...listenEnv(7102),
  GRPC_PORT: z.coerce.number().int().min(1).max(65535).default(7112),
  /** Where the internal gRPC API listens: loopback on a laptop, 0.0.0.0 in a pod. */
  GRPC_HOST: z.union([z.ipv4(), z.ipv6(), z.literal('localhost')]).default('127.0.0.1'),
  /** Services whose certificates may call the gRPC API (comma-separated names). */
  GRPC_ALLOWED_CLIENTS: z
    .string()
    .default('stream-sessions,notifications,discovery')
    .transform((s) => s.split(',').map((n) => n.trim()).filter(Boolean))
    .pipe(z.array(z.string().regex(/^[a-z][a-z0-9-]{0,62}$/)).min(1)),
  // Required: the gRPC API is served over mutual TLS only (libs/service-tls).
  ...internalTlsEnv,
  ...postgresEnv('social_graph'),
  ...kafkaEnv,
  AUTH_JWKS_URL: z.url({ protocol: /^https?$/ }),
  /** Root of the repository's `proto/` folder; the .proto files are loaded at run time. */
  PROTO_DIR: z.string().min(1).optional(),
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

export interface SocialGraphConfig {
  httpPort: number;
  httpHost: string;
  grpc: GrpcConfig;
  database: PostgresConfig;
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
  const tls = requiredInternalTls(e, 'social-graph', 'the gRPC API takes mutual TLS only');
  return {
    httpPort: e.HTTP_PORT,
    httpHost: e.HTTP_HOST,
    grpc: { port: e.GRPC_PORT, host: e.GRPC_HOST, protoDir, tls, allowedClients: e.GRPC_ALLOWED_CLIENTS },
    database: postgresConfig(e),
    kafka: kafkaConfig(e),
    auth: { jwksUrl: e.AUTH_JWKS_URL },
    otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT,
    logLevel: e.LOG_LEVEL,
  };
}
