import { freePort, json, startServiceProcess, TestContext, waitUntil, type TestUser } from '@onair/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// Signing out is real everywhere: the real identity publishes sessions.revoked.v1 and the real
// social-graph and stream-sessions (libs/auth) refuse the session's access token within seconds,
// long before its 10-minute expiry.
describe('sign-out reaches every service', () => {
  const ctx = TestContext.create('identity_sign_out');
  let graph: string;
  let sessions: string;
  let identity: string;

  beforeAll(async () => {
    const started = await ctx.startIdentity();
    identity = started.url;
    const grpcPort = await freePort();
    const replays = mkdtempSync(join(tmpdir(), 'onair-replays-'));
    ctx.onCleanup(async () => rmSync(replays, { recursive: true, force: true }));
    graph = (await startServiceProcess(ctx, 'social-graph', { AUTH_JWKS_URL: started.jwksUrl, GRPC_PORT: String(grpcPort) })).url;
    sessions = (
      await startServiceProcess(ctx, 'stream-sessions', {
        AUTH_JWKS_URL: started.jwksUrl,
        SOCIAL_GRAPH_GRPC_URL: `127.0.0.1:${grpcPort}`,
        REPLAY_DIR: replays,
      })
    ).url;
  }, 120_000);
  afterAll(() => ctx.cleanup(), 60_000);

  const status = async (url: string, user: TestUser | { authHeader: Record<string, string> }) => {
    const res = await fetch(url, { headers: user.authHeader });
    return { status: res.status, code: (await json(res)).error?.code as string | undefined };
  };
  /** An authenticated read of each service. */
  const probes = () => [`${graph}/v1/graph/blocks?limit=1`, `${sessions}/v1/broadcasts/mine?limit=1`, `${identity}/v1/users/me`];

  async function refusedEverywhere(user: TestUser) {
    const started = Date.now();
    for (const url of probes()) {
      await waitUntil(async () => (await status(url, user)).status === 401, Math.max(0, 5000 - (Date.now() - started)), `${url} to refuse the token`);
      expect(await status(url, user)).toEqual({ status: 401, code: 'AUTH.TOKEN_REVOKED' });
    }
    expect(Date.now() - started).toBeLessThan(5000);
  }

  it('refuses a signed-out access token in social-graph and stream-sessions within 5 s', async () => {
    const ann = await ctx.newUser();
    for (const url of probes()) expect((await status(url, ann)).status).toBe(200);
    expect((await fetch(`${identity}/v1/sessions/current`, { method: 'DELETE', headers: ann.authHeader })).status).toBe(204);
    await refusedEverywhere(ann);
  });

  it('refuses every device after sign-out everywhere and after account deletion, not tokens of other accounts', async () => {
    const bob = await ctx.newUser();
    const signIn = async () => json(await fetch(`${identity}/v1/sessions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: bob.handle, password: bob.password }) }));
    const other = { ...bob, authHeader: { authorization: `Bearer ${(await signIn()).accessToken}` } };
    const cat = await ctx.newUser();
    expect((await fetch(`${identity}/v1/sessions`, { method: 'DELETE', headers: bob.authHeader })).status).toBe(204);
    await refusedEverywhere(bob);
    await refusedEverywhere(other);
    for (const url of probes()) expect((await status(url, cat)).status).toBe(200);

    const fresh = { ...bob, authHeader: { authorization: `Bearer ${(await signIn()).accessToken}` } };
    for (const url of probes()) expect((await status(url, fresh)).status).toBe(200);
    const deleted = await fetch(`${identity}/v1/accounts/me`, {
      method: 'DELETE',
      headers: { ...fresh.authHeader, 'content-type': 'application/json' },
      body: JSON.stringify({ password: bob.password }),
    });
    expect(deleted.status).toBe(204);
    for (const url of probes().slice(0, 2)) {
      await waitUntil(async () => (await status(url, fresh)).status === 401, 5000, `${url} to refuse the deleted account's token`);
    }
  });
});
