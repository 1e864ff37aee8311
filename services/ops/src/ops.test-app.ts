// Test-only: ops as a process from its build, with the real identity beside it (accounts,
// tokens, an admin made as on a fresh install, operators granted through identity's API);
// chat's jury events are published onto the real Kafka as chat publishes them. On request, the
// real stream-sessions beside them too, which ops calls over gRPC with mutual TLS (the live
// overview); the SFU's and chat's events are published as those services would.
import type { DescMessage, MessageShape } from '@bufbuild/protobuf';
import type { EventDescriptor } from '@onair/contracts';
import { createIdempotentProducer, encodeEvent } from '@onair/kafka';
import { freePort, json, startServiceProcess, type RunningService, type TestContext, type TestUser } from '@onair/testing';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

export interface Answer {
  status: number;
  code?: string;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- whatever JSON the API answered
}

export interface OpsPlatform {
  ops: RunningService;
  /** Only with `streamSessions` in startOpsPlatform's options. */
  streamSessions?: RunningService;
  identityUrl: string;
  /** An admin (made with identity's grant-admin command) and an operator (granted by the admin). */
  admin: TestUser;
  operator: TestUser;
  call(method: string, path: string, user?: TestUser, body?: unknown): Promise<Response>;
  answer(method: string, path: string, user?: TestUser, body?: unknown): Promise<Answer>;
  /** Grants `role` to `user` through identity's API as the admin, and refreshes the user's token. */
  grant(user: TestUser, role: 'operator' | 'admin', reason: string): Promise<TestUser>;
  revoke(user: TestUser, role: 'operator' | 'admin', reason: string): Promise<void>;
  /** Publishes a foreign event as its service would; `id` fixes the event id (to redeliver it). */
  publish<D extends DescMessage>(descriptor: EventDescriptor<D>, message: MessageShape<D>, options?: { id?: string; source?: string }): Promise<string>;
  /** ops' schema, for what a test must look at below the API. */
  sql<T = Record<string, unknown>>(query: string, params?: unknown[]): Promise<T[]>;
}

/** The user's next access token, which carries the roles the account holds now. */
export async function refreshed(identityUrl: string, user: TestUser): Promise<TestUser> {
  const res = await fetch(`${identityUrl}/v1/sessions/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken: user.refreshToken }) });
  if (res.status !== 200) throw new Error(`refresh answered ${res.status}`);
  const tokens = await json(res);
  return { ...user, ...tokens, authHeader: { authorization: `Bearer ${tokens.accessToken}` } };
}

export interface OpsPlatformOptions {
  /**
   * Also start stream-sessions (for the live overview), with this environment over its own.
   * Without it ops' STREAM_SESSIONS_GRPC_URL points nowhere: the other specs stay fast.
   */
  streamSessions?: Record<string, string>;
}

/** stream-sessions as a process; social-graph is not started (an operator's viewer ticket does not ask it). */
async function startStreamSessions(ctx: TestContext, jwksUrl: string, env: Record<string, string>): Promise<RunningService> {
  const replays = mkdtempSync(join(tmpdir(), 'onair-ops-replays-'));
  ctx.onCleanup(async () => rmSync(replays, { recursive: true, force: true }));
  return startServiceProcess(ctx, 'stream-sessions', {
    AUTH_JWKS_URL: jwksUrl,
    KAFKA_TOPIC_PARTITIONS: '2',
    SOCIAL_GRAPH_GRPC_URL: `127.0.0.1:${await freePort()}`,
    REPLAY_DIR: replays,
    ...env,
  });
}

export async function startOpsPlatform(ctx: TestContext, env: Record<string, string> = {}, options: OpsPlatformOptions = {}): Promise<OpsPlatform> {
  const identity = await ctx.startIdentity();
  const streamSessions = options.streamSessions ? await startStreamSessions(ctx, identity.jwksUrl, options.streamSessions) : undefined;
  const streamSessionsGrpc = `127.0.0.1:${streamSessions?.grpcPort ?? (await freePort())}`;
  const ops = await startServiceProcess(ctx, 'ops', { AUTH_JWKS_URL: identity.jwksUrl, KAFKA_TOPIC_PARTITIONS: '2', STREAM_SESSIONS_GRPC_URL: streamSessionsGrpc, ...env });
  // The first admin, as on a fresh install (tools/onair ops grant-admin runs this command).
  let admin = await ctx.newUser();
  execFileSync(process.execPath, [join(ctx.infra.repoRoot, 'services/identity/dist/src/roles/grant-admin.cli.js'), admin.handle], {
    env: { PATH: process.env.PATH, DATABASE_URL: ctx.infra.pgUrl, DATABASE_SCHEMA: ctx.schema('identity'), KAFKA_BROKERS: ctx.infra.kafkaBrokers.join(','), KAFKA_TOPIC_PREFIX: ctx.topicPrefix },
  });
  admin = await refreshed(identity.url, admin);
  const call = (method: string, path: string, user?: TestUser, body?: unknown, base = ops.url) =>
    fetch(`${base}${path}`, {
      method,
      headers: { ...(user?.authHeader ?? {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
  const roleChange = async (method: string, user: TestUser, role: string, reason: string) => {
    const res = await call(method, `/v1/accounts/${user.id}/roles/${role}`, admin, { reason }, identity.url);
    if (res.status !== 204) throw new Error(`${method} role answered ${res.status}: ${await res.text()}`);
  };
  const grant = async (user: TestUser, role: 'operator' | 'admin', reason: string) => {
    await roleChange('PUT', user, role, reason);
    return refreshed(identity.url, user);
  };
  const operator = await grant(await ctx.newUser(), 'operator', 'on call for reports');

  const producer = createIdempotentProducer(ctx.kafka());
  await producer.connect();
  ctx.onCleanup(() => producer.disconnect());
  const pg = new Client({ connectionString: ctx.infra.pgUrl });
  await pg.connect();
  ctx.onCleanup(() => pg.end());
  await pg.query(`SET search_path TO "${ctx.schema('ops')}"`);
  return {
    ops,
    streamSessions,
    identityUrl: identity.url,
    admin,
    operator,
    call,
    async answer(method, path, user, body) {
      const res = await call(method, path, user, body);
      const text = await res.text();
      const parsed = text ? JSON.parse(text) : undefined;
      return { status: res.status, ...(parsed?.error?.code ? { code: parsed.error.code } : {}), body: parsed };
    },
    grant,
    revoke: (user, role, reason) => roleChange('DELETE', user, role, reason),
    async publish(descriptor, message, options = {}) {
      const id = options.id ?? randomUUID();
      const record = encodeEvent(descriptor, message, { id, source: options.source ?? 'chat', time: new Date() });
      await producer.send({ topic: ctx.topicPrefix + descriptor.topic, acks: -1, messages: [record] });
      return id;
    },
    sql: async (query, params = []) => (await pg.query(query, params)).rows,
  };
}
