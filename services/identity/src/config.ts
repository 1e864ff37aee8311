import { z } from 'zod';
import { scryptMemoryBytes } from './passwords/password-hasher.js';
import { type PostgresConfig, type KafkaConfig, kafkaConfig, kafkaEnv, listenEnv, localStateDir, type LogLevel, observabilityEnv, parseEnv, postgresConfig, postgresEnv } from '@onair/config';

const MiB = 1024 * 1024;

const Env = z.object({
  ...listenEnv(7101),
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
  // Memory all password hashes in flight may take together (scrypt's 128·N·r bytes each, outside
  // the JS heap): 256 MiB runs two hashes at logN 17. Keep it well under the pod's memory limit.
  PASSWORD_HASH_MEMORY_BUDGET_MB: z.coerce.number().int().min(1).max(65536).default(256),
  // A hash that finds the budget full waits this long, behind at most this many, then 503.
  PASSWORD_HASH_MAX_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(2000),
  PASSWORD_HASH_MAX_WAITING: z.coerce.number().int().min(0).max(10_000).default(32),
  SIGN_IN_WINDOW_SECONDS: z.coerce.number().int().min(1).default(900),
  // Failed password checks per window: per (account, client IP), the strict one; per account from
  // all IPs together, the ceiling (IPs the account signed in from recently are exempt from it);
  // per client IP across accounts.
  SIGN_IN_MAX_FAILURES_PER_ACCOUNT_AND_IP: z.coerce.number().int().min(1).default(5),
  SIGN_IN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).default(100),
  SIGN_IN_MAX_FAILURES_PER_IP: z.coerce.number().int().min(1).default(50),
  // How long a successful sign-in from an IP keeps that IP exempt from the per-account ceiling.
  SIGN_IN_KNOWN_IP_DAYS: z.coerce.number().int().min(0).max(365).default(30),
  // Which proxies may set X-Forwarded-For (Express "trust proxy"): the edge runs on loopback.
  TRUST_PROXY: z.string().default('loopback'),
  // Default: .onair/identity/avatars of the checkout (git-ignored); a deployment sets a volume.
  AVATAR_DIR: z.string().min(1).default(() => localStateDir('identity/avatars', __dirname)),
  AVATAR_MAX_BYTES: z.coerce.number().int().min(1024).max(20 * 1024 * 1024).default(1024 * 1024),
}).superRefine((e, ctx) => {
  const needed = scryptMemoryBytes(e.PASSWORD_SCRYPT_LOG_N);
  if (e.PASSWORD_HASH_MEMORY_BUDGET_MB * MiB < needed) {
    ctx.addIssue({
      code: 'custom',
      path: ['PASSWORD_HASH_MEMORY_BUDGET_MB'],
      message: `must hold at least one hash: ${needed / MiB} MiB at PASSWORD_SCRYPT_LOG_N=${e.PASSWORD_SCRYPT_LOG_N}`,
    });
  }
});

export interface IdentityConfig {
  httpPort: number;
  httpHost: string;
  database: PostgresConfig;
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
    maxFailuresPerAccountAndIp: number;
    maxFailuresPerAccount: number;
    maxFailuresPerIp: number;
    knownIpDays: number;
  };
  passwordHashing: { memoryBudgetBytes: number; maxWaitMs: number; maxWaiting: number };
  trustProxy: string;
  avatars: { dir: string; maxBytes: number };
}

export const IDENTITY_CONFIG = Symbol('IdentityConfig');

/** Reads and validates the environment once, at boot; a bad value stops the process. */
export function loadConfig(env: Record<string, string | undefined> = process.env): IdentityConfig {
  const e = parseEnv('identity', Env, env);
  return {
    httpPort: e.HTTP_PORT,
    httpHost: e.HTTP_HOST,
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
      maxFailuresPerAccountAndIp: e.SIGN_IN_MAX_FAILURES_PER_ACCOUNT_AND_IP,
      maxFailuresPerAccount: e.SIGN_IN_MAX_FAILURES_PER_ACCOUNT,
      maxFailuresPerIp: e.SIGN_IN_MAX_FAILURES_PER_IP,
      knownIpDays: e.SIGN_IN_KNOWN_IP_DAYS,
    },
    passwordHashing: {
      memoryBudgetBytes: e.PASSWORD_HASH_MEMORY_BUDGET_MB * MiB,
      maxWaitMs: e.PASSWORD_HASH_MAX_WAIT_MS,
      maxWaiting: e.PASSWORD_HASH_MAX_WAITING,
    },
    trustProxy: e.TRUST_PROXY,
    avatars: { dir: e.AVATAR_DIR, maxBytes: e.AVATAR_MAX_BYTES },
  };
}
