import { z } from 'zod';
import {
  type KafkaConfig,
  kafkaConfig,
  kafkaEnv,
  listenEnv,
  type LogLevel,
  observabilityEnv,
  parseEnv,
  postgresConfig,
  postgresEnv,
} from '@onair/config';

const int = (def: number, min: number, max: number) => z.coerce.number().int().min(min).max(max).default(def);

// ops calls no other service and serves no internal API, so it takes no internal TLS files
// (like chat); its certificate is issued anyway for the day it does.
const Env = z.object({
  ...listenEnv(7108),
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
  database: { url: string; schema: string };
  kafka: KafkaConfig;
  auth: { jwksUrl: string };
  openReportsPerReporter: number;
  otlpEndpoint?: string;
  logLevel: LogLevel;
}

export const OPS_CONFIG = Symbol('OpsConfig');

/** Reads and validates the environment once, at boot; a bad value stops the process. */
export function loadConfig(env: Record<string, string | undefined> = process.env): OpsConfig {
  const e = parseEnv('ops', Env, env);
  return {
    httpPort: e.HTTP_PORT,
    httpHost: e.HTTP_HOST,
    database: postgresConfig(e),
    kafka: kafkaConfig(e),
    auth: { jwksUrl: e.AUTH_JWKS_URL },
    openReportsPerReporter: e.OPS_OPEN_REPORTS_PER_REPORTER,
    otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT,
    logLevel: e.LOG_LEVEL,
  };
}
