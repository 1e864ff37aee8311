import { z } from 'zod';

/**
 * The variables several services read the same way, as zod shapes to spread into a
 * service's own schema, and the config objects they turn into.
 */
export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** OTLP export (only when an endpoint is set) and the log level. */
export const observabilityEnv = {
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
};

/** Brokers (comma-separated), the topic prefix (tests isolate by it), partitions of new topics. */
export const kafkaEnv = {
  KAFKA_BROKERS: z.string().min(1),
  KAFKA_TOPIC_PREFIX: z
    .string()
    .regex(/^[a-zA-Z0-9._-]*$/)
    .default(''),
  KAFKA_TOPIC_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(6),
};

/** Connections a service's pool holds at most (libs/postgres' default); more queries wait for one. */
const DATABASE_POOL_SIZE = 10;

/**
 * The service's PostgreSQL, the schema it owns, and how many of its pool's connections are
 * opened at boot and kept through quiet spells (DATABASE_POOL_MIN, by default the whole pool):
 * a burst after a quiet minute (a broadcast going viral) would otherwise wait for Postgres to
 * start a backend per connection, on the CPU the burst needs.
 */
export const postgresEnv = (defaultSchema: string) => ({
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/)
    .default(defaultSchema),
  DATABASE_POOL_MIN: z.coerce.number().int().min(0).max(DATABASE_POOL_SIZE).default(DATABASE_POOL_SIZE),
});

export interface PostgresConfig {
  url: string;
  schema: string;
  /** Connections opened at boot and never closed for being idle. */
  poolMin: number;
}

export interface KafkaConfig {
  brokers: string[];
  topicPrefix: string;
  defaultPartitions: number;
}

export function kafkaConfig(e: { KAFKA_BROKERS: string; KAFKA_TOPIC_PREFIX: string; KAFKA_TOPIC_PARTITIONS: number }): KafkaConfig {
  return {
    brokers: e.KAFKA_BROKERS.split(',').map((b) => b.trim()),
    topicPrefix: e.KAFKA_TOPIC_PREFIX,
    defaultPartitions: e.KAFKA_TOPIC_PARTITIONS,
  };
}

export const postgresConfig = (e: { DATABASE_URL: string; DATABASE_SCHEMA: string; DATABASE_POOL_MIN: number }): PostgresConfig => ({
  url: e.DATABASE_URL,
  schema: e.DATABASE_SCHEMA,
  poolMin: e.DATABASE_POOL_MIN,
});


/**
 * Where the service listens. Loopback by default, so a service started on a laptop is not on
 * the network; a container sets 0.0.0.0 (the Helm charts do).
 */
export const listenEnv = (defaultPort: number) => ({
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(defaultPort),
  HTTP_HOST: z.union([z.ipv4(), z.ipv6(), z.literal('localhost')]).default('127.0.0.1'),
});

/**
 * The service's identity between services (mutual TLS, libs/service-tls): PEM files of the
 * internal CA, its certificate and its key. `tools/onair` issues them under `.onair/pki/`.
 */
export const internalTlsEnv = {
  INTERNAL_TLS_CA: z.string().min(1).optional(),
  INTERNAL_TLS_CERT: z.string().min(1).optional(),
  INTERNAL_TLS_KEY: z.string().min(1).optional(),
};

export interface InternalTlsFiles {
  caFile: string;
  certFile: string;
  keyFile: string;
}

/** The three files, or undefined when none is set; some but not all is a configuration error. */
export function internalTlsConfig(e: { INTERNAL_TLS_CA?: string; INTERNAL_TLS_CERT?: string; INTERNAL_TLS_KEY?: string }, service: string): InternalTlsFiles | undefined {
  const given = [e.INTERNAL_TLS_CA, e.INTERNAL_TLS_CERT, e.INTERNAL_TLS_KEY].filter(Boolean).length;
  if (given === 0) return undefined;
  if (given !== 3) throw new Error(`${service}: invalid configuration: INTERNAL_TLS_CA, INTERNAL_TLS_CERT and INTERNAL_TLS_KEY go together`);
  return { caFile: e.INTERNAL_TLS_CA!, certFile: e.INTERNAL_TLS_CERT!, keyFile: e.INTERNAL_TLS_KEY! };
}

/** The three files, which a service that calls or serves other services over mutual TLS cannot do without. */
export function requiredInternalTls(e: Parameters<typeof internalTlsConfig>[0], service: string, why: string): InternalTlsFiles {
  const tls = internalTlsConfig(e, service);
  if (!tls) throw new Error(`${service}: invalid configuration: INTERNAL_TLS_CA, INTERNAL_TLS_CERT and INTERNAL_TLS_KEY are required (${why})`);
  return tls;
}
