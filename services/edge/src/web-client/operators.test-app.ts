// Test-only: calling the whole platform through the edge as a user, and making an operator as on
// a fresh install (an admin from identity's command, who grants the role through the API).
import { json, type TestContext, type TestUser } from '@onair/testing';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export interface EdgeAnswer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- whatever JSON the API answered
}

export type EdgeApi = (method: string, path: string, user?: TestUser, body?: unknown) => Promise<EdgeAnswer>;

/** A JSON call through the edge at `base`, as `user` when given. */
export function edgeApi(base: string): EdgeApi {
  return async (method, path, user, body) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...(user?.authHeader ?? {}), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined };
  };
}

/** The user's next access token, which carries the roles the account holds now. */
export async function refreshedThrough(base: string, user: TestUser): Promise<TestUser> {
  const res = await fetch(`${base}/v1/sessions/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken: user.refreshToken }) });
  if (res.status !== 200) throw new Error(`refresh answered ${res.status}`);
  const tokens = await json(res);
  return { ...user, ...tokens, authHeader: { authorization: `Bearer ${tokens.accessToken}` } };
}

/** A new operator: an admin made with identity's command (as `tools/onair ops grant-admin`), who grants the role through the edge. */
export async function newOperator(ctx: TestContext, base: string): Promise<TestUser> {
  const admin = await ctx.newUser();
  execFileSync(process.execPath, [join(ctx.infra.repoRoot, 'services/identity/dist/src/roles/grant-admin.cli.js'), admin.handle], {
    env: { PATH: process.env.PATH, DATABASE_URL: ctx.infra.pgUrl, DATABASE_SCHEMA: ctx.schema('identity'), KAFKA_BROKERS: ctx.infra.kafkaBrokers.join(','), KAFKA_TOPIC_PREFIX: ctx.topicPrefix },
  });
  const operator = await ctx.newUser();
  const granted = await edgeApi(base)('PUT', `/v1/accounts/${operator.id}/roles/operator`, await refreshedThrough(base, admin), { reason: 'on call' });
  if (granted.status !== 204) throw new Error(`granting the operator role answered ${granted.status}`);
  return refreshedThrough(base, operator);
}
