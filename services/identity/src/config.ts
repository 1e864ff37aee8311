import { z } from 'zod';
import { type KafkaConfig, kafkaConfig, kafkaEnv, type LogLevel, observabilityEnv, parseEnv, postgresConfig, postgresEnv } from '@onair/config';

const Env = z.object({
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(7101),
  ...postgresEnv('identity'),
  ...kafkaEnv,
  ...observabilityEnv,
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(10).max(3600).default(600),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  KEY_ROTATION_HOURS: z.coerce.number().min(1).default(24 * 7),
  // How long a replica keeps signing with the key it loaded; after a rotation every replica
  // switches within this time (the old key stays in the JWKS, so nothing breaks meanwhile).
  // A new key is published this long before it signs: longer than verifiers cache the JWKS
  // (10 min in libs/auth), so every service already knows a key when tokens signed with it arrive.
  KEY_PUBLISH_AHEAD_SECONDS: z.coerce.number().int().min(0).max(86400).default(900),
  SIGNING_KEY_CACHE_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  // scrypt cost as log2(N); 17 is OWASP's recommendation (128 MiB per hash).
  PASSWORD_SCRYPT_LOG_N: z.coerce.number().int().min(10).max(20).default(17),
  SIGN_IN_WINDOW_SECONDS: z.coerce.number().int().min(1).default(900),
  SIGN_IN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).default(5),
  SIGN_IN_MAX_FAILURES_PER_IP: z.coerce.number().int().min(1).default(50),
  // Which proxies may set X-Forwarded-For (Express "trust proxy"): the edge runs on loopback.
  TRUST_PROXY: z.string().default('loopback'),
  AVATAR_DIR: z.string().min(1).default('./data/avatars'),
  AVATAR_MAX_BYTES: z.coerce.number().int().min(1024).max(20 * 1024 * 1024).default(1024 * 1024),
});

export interface IdentityConfig {
  httpPort: number;
  database: { url: string; schema: string };
  kafka: KafkaConfig;
  otlpEndpoint?: string;
  logLevel: LogLevel;
  auth: {
    accessTokenTtlSeconds: number;
    refreshTokenTtlDays: number;
    keyRotationHours: number;
    signingKeyCacheSeconds: number;
    keyPublishAheadSeconds: number;
    scryptLogN: number;
    signInWindowSeconds: number;
    maxFailuresPerAccount: number;
    maxFailuresPerIp: number;
  };
  trustProxy: string;
  avatars: { dir: string; maxBytes: number };
}

export const IDENTITY_CONFIG = Symbol('IdentityConfig');

/** Reads and validates the environment once, at boot; a bad value stops the process. */
export function loadConfig(env: Record<string, string | undefined> = process.env): IdentityConfig {
  const e = parseEnv('identity', Env, env);
  return {
    httpPort: e.HTTP_PORT,
    database: postgresConfig(e),
    kafka: kafkaConfig(e),
    otlpEndpoint: e.OTEL_EXPORTER_OTLP_ENDPOINT,
    logLevel: e.LOG_LEVEL,
    auth: {
      accessTokenTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
      refreshTokenTtlDays: e.REFRESH_TOKEN_TTL_DAYS,
      keyRotationHours: e.KEY_ROTATION_HOURS,
      signingKeyCacheSeconds: e.SIGNING_KEY_CACHE_SECONDS,
      keyPublishAheadSeconds: e.KEY_PUBLISH_AHEAD_SECONDS,
      scryptLogN: e.PASSWORD_SCRYPT_LOG_N,
      signInWindowSeconds: e.SIGN_IN_WINDOW_SECONDS,
      maxFailuresPerAccount: e.SIGN_IN_MAX_FAILURES_PER_ACCOUNT,
      maxFailuresPerIp: e.SIGN_IN_MAX_FAILURES_PER_IP,
    },
    trustProxy: e.TRUST_PROXY,
    avatars: { dir: e.AVATAR_DIR, maxBytes: e.AVATAR_MAX_BYTES },
  };
}
