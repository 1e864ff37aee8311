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

/** The service's PostgreSQL and the schema it owns. */
export const postgresEnv = (defaultSchema: string) => ({
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  DATABASE_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/)
    .default(defaultSchema),
});

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

export const postgresConfig = (e: { DATABASE_URL: string; DATABASE_SCHEMA: string }) => ({ url: e.DATABASE_URL, schema: e.DATABASE_SCHEMA });

