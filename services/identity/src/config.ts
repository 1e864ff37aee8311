import { z } from 'zod';

const Env = z.object({
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(7101),
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }),
  DATABASE_SCHEMA: z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/).default('identity'),
  KAFKA_BROKERS: z.string().min(1),
  KAFKA_TOPIC_PREFIX: z.string().regex(/^[a-zA-Z0-9._-]*$/).default(''),
  KAFKA_TOPIC_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(6),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url().optional(),
  LOG_LEVEL: z.enum(['error', 'warn', 'info', 'debug']).default('info'),
});

export interface IdentityConfig {
  httpPort: number;
  database: { url: string; schema: string };
  kafka: { brokers: string[]; topicPrefix: string; defaultPartitions: number };
  otlpEndpoint?: string;
  logLevel: 'error' | 'warn' | 'info' | 'debug';
}

export const IDENTITY_CONFIG = Symbol('IdentityConfig');

/** Reads and validates the environment once, at boot; a bad value stops the process. */
export function loadConfig(env: Record<string, string | undefined> = process.env): IdentityConfig {
  const parsed = Env.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`identity: invalid configuration: ${problems}`);
  }
  const e = parsed.data;
  return {
    httpPort: e.HTTP_PORT,
    database: { url: e.DATABASE_URL, schema: e.DATABASE_SCHEMA },
    kafka: {
      brokers: e.KAFKA_BROKERS.split(',').map((b) => b.trim()),
      topicPrefix: e.KAFKA_TOPIC_PREFIX,
      defaultPartitions: e.KAFKA_TOPIC_PARTITIONS,
    },
    otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT,
    logLevel: e.LOG_LEVEL,
  };
}
