import { REQUIRED_ROLE_EXTENSION } from '@onair/auth';
import { json, RawBody, sweepOpenApi, TestContext, type TestUser } from '@onair/testing';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

// A 1×1 PNG: the avatar upload takes raw image bytes, which no JSON schema describes.
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8ffff3f0005fe02fea7d6a4cf0000000049454e44ae426082',
  'hex',
);

// Every operation identity's OpenAPI document lists, first with a valid request (real handles,
// real credentials, a real refresh token) so the handler runs, then with one thing at a time
// made hostile: never a 5xx, always a stable error code. Runs against the real service process
// on real PostgreSQL and Kafka, with an admin's token so the operator operations are reached too;
// then the operator operations again with a plain user's token, which every one refuses.
describe('identity: every endpoint in /openapi.json refuses bad input with a 4xx and a code', () => {
  const ctx = TestContext.create('identity_sweep');
  afterAll(() => ctx.cleanup());

  /** The user's next access token, which carries the roles the account holds now. */
  async function refreshed(url: string, user: TestUser): Promise<TestUser> {
    const res = await fetch(`${url}/v1/sessions/refresh`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ refreshToken: user.refreshToken }) });
    const tokens = await json(res);
    return { ...user, ...tokens, authHeader: { authorization: `Bearer ${tokens.accessToken}` } };
  }

  it('sweeps the whole API', async () => {
    const identity = await ctx.startIdentity();
    const [bob, carl, dave] = [await ctx.newUser(), await ctx.newUser(), await ctx.newUser()];
    // Ann is the admin, made as on a fresh install (tools/onair ops grant-admin runs this command).
    let ann = await ctx.newUser();
    execFileSync(process.execPath, [join(ctx.infra.repoRoot, 'services/identity/dist/src/roles/grant-admin.cli.js'), ann.handle], {
      env: { PATH: process.env.PATH, DATABASE_URL: ctx.infra.pgUrl, DATABASE_SCHEMA: ctx.schema('identity'), KAFKA_BROKERS: ctx.infra.kafkaBrokers.join(','), KAFKA_TOPIC_PREFIX: ctx.topicPrefix },
    });
    ann = await refreshed(identity.url, ann);
    const doc = await json(await fetch(`${identity.url}/openapi.json`));
    expect(Object.keys(doc.paths).length).toBeGreaterThanOrEqual(10);
    // Carl is the account whose roles the sweep grants and revokes (ann's own admin role stays).
    const pathValues = { handle: [ann.handle, bob.handle], accountId: [carl.id], role: ['operator', 'admin'] };
    const result = await sweepOpenApi({
      baseUrl: identity.url,
      authHeader: ann.authHeader,
      pathValues,
      queryValues: { ids: [`${ann.id},${bob.id}`] },
      bodyExamples: {
        'POST /v1/sessions': { login: ann.handle, password: ann.password },
        // Bob's token, not the sweep's: presenting it again (as the variants do) ends bob's session.
        'POST /v1/sessions/refresh': { refreshToken: bob.refreshToken },
        'PUT /v1/users/me/avatar': new RawBody('image/png', PNG),
      },
      // Sign-out ends the session the sweep runs in, so it goes last; signing out everywhere
      // after that is refused (401): its handler is covered by the sign-out tests.
      last: ['DELETE /v1/sessions/current', 'DELETE /v1/sessions'],
    });
    expect(result.findings).toEqual([]);
    expect(result.operations).toBe(16);
    expect(result.requests).toBeGreaterThan(800);
    expect(result.reached).toBeGreaterThan(60);
    // Account deletion is reached up to its password check only (the generated password is
    // wrong), so the sweep's account stays; the deletion itself is the accounts tests' job.
    // Signing out everywhere comes right after the sweep's own sign-out: it is refused once that
    // revocation (read back from sessions.revoked.v1) has arrived, which under load can be a
    // moment after the request (it then succeeds, 204). Either is right; nothing else may be missed.
    expect(result.unreached.filter((op) => op !== 'DELETE /v1/sessions')).toEqual(['DELETE /v1/accounts/me']);
    // The account survived the sweep (nothing was half-written or deleted by garbage).
    expect((await fetch(`${identity.url}/v1/users/${ann.handle}`)).status).toBe(200);

    // The operator operations, as the document marks them, with dave's plain token: the valid
    // request of each is 403 AUTH.ROLE_REQUIRED, and no variant ever gets through.
    const operations = Object.entries(doc.paths as Record<string, Record<string, Record<string, unknown>>>).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, method: method.toUpperCase(), path, role: op[REQUIRED_ROLE_EXTENSION] })),
    );
    const guarded = operations.filter((op) => op.role);
    expect(guarded.map((g) => `${g.key} ${g.role}`).sort()).toEqual([
      'DELETE /v1/accounts/{accountId}/roles/{role} admin',
      'GET /v1/accounts/{accountId}/roles operator',
      'PUT /v1/accounts/{accountId}/roles/{role} admin',
    ]);
    for (const { key, method, path } of guarded) {
      const url = path.replace('{accountId}', carl.id).replace('{role}', 'operator');
      const res = await fetch(`${identity.url}${url}`, {
        method,
        headers: { ...dave.authHeader, 'content-type': 'application/json' },
        body: method === 'GET' ? undefined : JSON.stringify({ reason: 'a plain user tries' }),
      });
      expect({ key, status: res.status, code: (await json(res)).error?.code }).toEqual({ key, status: 403, code: 'AUTH.ROLE_REQUIRED' });
    }
    const keys = guarded.map((g) => g.key);
    const plain = await sweepOpenApi({
      baseUrl: identity.url,
      authHeader: dave.authHeader,
      pathValues,
      skip: operations.filter((op) => !op.role).map((op) => op.key),
    });
    expect(plain.findings).toEqual([]);
    expect(plain.operations).toBe(guarded.length);
    expect(plain.unreached.sort()).toEqual([...keys].sort());
    for (const key of keys) expect(plain.statuses[key][403]).toBeGreaterThan(10);
  }, 300_000);
});
