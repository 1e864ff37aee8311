// Test-only: identity in-process on the suite's schema and topics, a small client of its API,
// and the grant-admin command run from identity's build exactly as tools/onair runs it.
import type { INestApplication } from '@nestjs/common';
import { json, type TestContext } from '@onair/testing';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { decodeJwt } from 'jose';
import { loadConfig } from '../config.js';
import { createIdentityApp } from '../identity-app.js';

/** The suite's identity environment: the service and the command line read the same. */
export function identityEnv(ctx: TestContext): Record<string, string> {
  return {
    DATABASE_URL: ctx.infra.pgUrl,
    DATABASE_SCHEMA: ctx.schema('identity'),
    KAFKA_BROKERS: ctx.infra.kafkaBrokers.join(','),
    KAFKA_TOPIC_PREFIX: ctx.topicPrefix,
    LOG_LEVEL: 'error',
  };
}

export async function startIdentityApp(ctx: TestContext): Promise<{ app: INestApplication; base: string }> {
  const app = await createIdentityApp(loadConfig({ ...identityEnv(ctx), PASSWORD_SCRYPT_LOG_N: '10', KEY_PUBLISH_AHEAD_SECONDS: '0' }));
  await app.listen(0, '127.0.0.1');
  ctx.onCleanup(() => app.close());
  return { app, base: await app.getUrl() };
}

/** `node services/identity/dist/src/roles/grant-admin.cli.js <handle>` with the suite's environment. */
export function grantAdmin(ctx: TestContext, ...args: string[]) {
  const cli = join(ctx.infra.repoRoot, 'services/identity/dist/src/roles/grant-admin.cli.js');
  const run = spawnSync(process.execPath, [cli, ...args], { env: { PATH: process.env.PATH, ...identityEnv(ctx) }, encoding: 'utf8', timeout: 30_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

export interface Person {
  id: string;
  handle: string;
  accessToken: string;
  refreshToken: string;
}

/** The roles claim of an access token (undefined when it has none). */
export const rolesIn = (accessToken: string) => decodeJwt(accessToken).roles as string[] | undefined;

export class IdentityClient {
  private n = 0;
  constructor(private readonly base: string) {}

  call(method: string, path: string, body?: unknown, token?: string): Promise<Response> {
    return fetch(`${this.base}${path}`, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
  }

  /** Status and error code of a call, for compact assertions. */
  async answer(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; code?: string }> {
    const res = await this.call(method, path, body, token);
    const text = await res.text();
    return { status: res.status, ...(text ? { code: JSON.parse(text).error?.code } : {}) };
  }

  async signUp(prefix = 'user'): Promise<Person> {
    const handle = `${prefix}${++this.n}`;
    const res = await this.call('POST', '/v1/accounts', { handle, email: `${handle}@example.org`, password: `pw-of-${handle}-long` });
    if (res.status !== 201) throw new Error(`sign-up answered ${res.status}`);
    return { id: (await json(res)).id, handle, ...(await this.signIn(handle)) };
  }

  async signIn(handle: string): Promise<{ accessToken: string; refreshToken: string }> {
    const res = await this.call('POST', '/v1/sessions', { login: handle, password: `pw-of-${handle}-long` });
    if (res.status !== 201) throw new Error(`sign-in answered ${res.status}`);
    return json(res);
  }

  /** Refreshes the person's tokens in place (a new access token carries the roles held now). */
  async refresh(person: Person): Promise<Person> {
    const res = await this.call('POST', '/v1/sessions/refresh', { refreshToken: person.refreshToken });
    if (res.status !== 200) throw new Error(`refresh answered ${res.status}`);
    Object.assign(person, await json(res));
    return person;
  }

  roles(accountId: string, role?: string) {
    return `/v1/accounts/${accountId}/roles${role ? `/${role}` : ''}`;
  }
}
