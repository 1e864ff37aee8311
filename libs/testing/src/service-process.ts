import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-ports.js';
import type { TestContext } from './test-context.js';
import { repoRoot, serviceTlsEnv } from './test-infra.js';

export interface RunningIdentity {
  url: string;
  jwksUrl: string;
  process: ChildProcess;
}

export interface TestUser {
  id: string;
  handle: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
  authHeader: { authorization: string };
}

export interface RunningService {
  name: string;
  url: string;
  port: number;
  /** GRPC_PORT it was given (`env.GRPC_PORT`, else a free one), for a service that serves gRPC. */
  grpcPort: number;
  process: ChildProcess;
}

/**
 * Starts a real OnAir service from its build (services/<name>/dist) as a process, in the
 * suite's own schema and topic prefix, and waits for its /readyz. Other services' tests and the
 * end-to-end tests talk to it over its public API, exactly as in production. `env.HTTP_PORT`
 * picks the port (for a service that must know its own address, such as an SFU node's URLs);
 * `env.GRPC_PORT` likewise.
 */
export async function startServiceProcess(ctx: TestContext, name: string, env: Record<string, string> = {}): Promise<RunningService> {
  const port = env.HTTP_PORT ? Number(env.HTTP_PORT) : await freePort();
  // Services serving gRPC would all take their default port otherwise, and suites run side by side.
  const grpcPort = env.GRPC_PORT ? Number(env.GRPC_PORT) : await freePort();
  const child = spawn(process.execPath, ['--disable-warning=TimeoutNegativeWarning', join(repoRoot, `services/${name}/dist/src/main.js`)], {
    env: {
      PATH: process.env.PATH,
      HTTP_PORT: String(port),
      GRPC_PORT: String(grpcPort),
      DATABASE_URL: ctx.infra.pgUrl,
      DATABASE_SCHEMA: ctx.schema(name.replace(/-/g, '_')),
      KAFKA_BROKERS: ctx.infra.kafkaBrokers.join(','),
      KAFKA_TOPIC_PREFIX: ctx.topicPrefix,
      LOG_LEVEL: 'warn',
      ...serviceTlsEnv(ctx.infra, name),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (d) => (output = (output + d).slice(-4000)));
  child.stderr!.on('data', (d) => (output = (output + d).slice(-4000)));
  const url = `http://127.0.0.1:${port}`;
  // Exited already (a test may stop a service itself; a SIGTERM'd Nest app ends by re-raising
  // the signal, so it has a signalCode and no exitCode): nothing to wait for.
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  ctx.onCleanup(async () => {
    if (exited()) return;
    child.kill('SIGTERM');
    await new Promise((r) => (exited() ? r(null) : child.once('exit', r)));
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (exited()) throw new Error(`${name} exited with ${child.exitCode ?? child.signalCode}:\n${output}`);
    const ready = await fetch(`${url}/readyz`).then((r) => r.ok, () => false);
    if (ready) break;
    if (Date.now() > deadline) throw new Error(`${name} not ready within 60 s:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return { name, url, port, grpcPort, process: child };
}

/** The real identity service for a suite, with cheap password hashes and its own avatar folder. */
export async function startIdentity(ctx: TestContext, env: Record<string, string> = {}): Promise<RunningIdentity> {
  const avatars = mkdtempSync(join(tmpdir(), 'onair-avatars-'));
  ctx.onCleanup(async () => rmSync(avatars, { recursive: true, force: true }));
  // Cheaper hashes keep suites fast; production uses the default cost.
  const service = await startServiceProcess(ctx, 'identity', { PASSWORD_SCRYPT_LOG_N: '12', AVATAR_DIR: avatars, ...env });
  return { url: service.url, jwksUrl: `${service.url}/.well-known/jwks.json`, process: service.process };
}

/** Signs up and signs in a fresh user through identity's HTTP API. */
export async function newUser(identity: { url: string }, overrides: { handle?: string; password?: string } = {}): Promise<TestUser> {
  const handle = overrides.handle ?? `u_${randomBytes(5).toString('hex')}`;
  const email = `${handle}@example.org`;
  const password = overrides.password ?? `pw-${randomBytes(12).toString('hex')}`;
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${identity.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const json = await res.json();
    if (!res.ok) throw new Error(`${path} answered ${res.status}: ${JSON.stringify(json)}`);
    return json as Record<string, string>;
  };
  const account = await post('/v1/accounts', { handle, email, password });
  const tokens = await post('/v1/sessions', { login: handle, password });
  return {
    id: account.id,
    handle,
    email,
    password,
    accessToken: tokens.accessToken,
    refreshToken: tokens.refreshToken,
    authHeader: { authorization: `Bearer ${tokens.accessToken}` },
  };
}
