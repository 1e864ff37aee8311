import { REQUIRED_ROLE_EXTENSION } from '@onair/auth';
import { json, sweepOpenApi, TestContext } from '@onair/testing';
import { randomUUID } from 'node:crypto';
import { startOpsPlatform } from './ops.test-app.js';

// Every operation ops' OpenAPI document lists, first valid (a real reported target, an
// operator's token) so the handler runs, then with one thing at a time made hostile: never a
// 5xx, always a stable error code. Then the operator operations again with a plain user's token,
// which every one refuses.
describe('ops: every endpoint in /openapi.json refuses bad input with a 4xx and a code', () => {
  const ctx = TestContext.create('ops_sweep');
  afterAll(() => ctx.cleanup(), 60_000);

  it('sweeps the whole API as an operator, and every operator operation refuses a plain user', async () => {
    // With stream-sessions: the live overview answers from it.
    const p = await startOpsPlatform(ctx, {}, { streamSessions: {} });
    const [viewer, plain, owner] = [await ctx.newUser(), await ctx.newUser(), await ctx.newUser()];
    const target = randomUUID();
    // A real broadcast: the overview's detail answers 200 for it (in any state), the takedown
    // 201 once, then 409.
    const created = await fetch(`${p.streamSessions!.url}/v1/broadcasts`, {
      method: 'POST',
      headers: { ...owner.authHeader, 'content-type': 'application/json' },
      body: JSON.stringify({ title: 'swept', topics: ['news'], language: 'en', visibility: 'public' }),
    });
    expect(created.status).toBe(201);
    const broadcast: string = (await json(created)).id;
    // An account suspended before the sweep: its suspension's GET answers 200 whatever the order.
    const suspended = randomUUID();
    expect((await p.answer('POST', `/v1/ops/accounts/${suspended}/suspension`, p.operator, { reason: 'in force before the sweep' })).status).toBe(201);
    const report = { targetType: 'broadcast', targetId: target, reason: 'spam', text: 'a scam link' };
    expect((await p.answer('POST', '/v1/reports', viewer, report)).status).toBe(201);

    const doc = await json(await fetch(`${p.ops.url}/openapi.json`));
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/v1/reports',
        '/v1/ops/reports',
        '/v1/ops/reports/targets/{targetType}/{targetId}',
        '/v1/ops/reports/targets/{targetType}/{targetId}/dismiss',
        '/v1/ops/broadcasts/{broadcastId}/takedown',
        '/v1/ops/accounts/{accountId}/suspension',
        '/v1/ops/accounts/{accountId}/suspension/lift',
        '/v1/ops/live',
        '/v1/ops/live/{broadcastId}',
        '/v1/ops/sfu-nodes',
        '/v1/ops/audit',
      ].sort(),
    );
    // The takedown is swept on a broadcast of its own: the first valid one takes it down, every
    // later valid one is 409 (taken down already).
    const pathValues = { targetType: ['broadcast'], targetId: [target], broadcastId: [broadcast], accountId: [suspended] };
    const result = await sweepOpenApi({
      baseUrl: p.ops.url,
      authHeader: p.operator.authHeader,
      pathValues,
      bodyExamples: {
        // The operator reports the same target: its report is what the dismissal (swept last) dismisses.
        'POST /v1/reports': report,
        'POST /v1/ops/reports/targets/{targetType}/{targetId}/dismiss': { reason: 'not a scam' },
        'POST /v1/ops/broadcasts/{broadcastId}/takedown': { reason: 'a scam after all' },
        'POST /v1/ops/accounts/{accountId}/suspension': { reason: 'spam in chat', until: new Date(Date.now() + 86_400_000).toISOString() },
        'POST /v1/ops/accounts/{accountId}/suspension/lift': { reason: 'appeal granted' },
      },
      // After the first dismissal the target has no open report (409) until reported again.
      // A lift answers 409 until the account is suspended again.
      last: ['POST /v1/ops/reports/targets/{targetType}/{targetId}/dismiss', 'POST /v1/ops/accounts/{accountId}/suspension/lift'],
    });
    expect(result.findings).toEqual([]);
    expect(result.operations).toBe(12);
    expect(result.unreached).toEqual([]);
    expect(result.reached).toBeGreaterThan(10);

    // The operator operations, as the document marks them, with a plain user's token: the valid
    // request of each is 403 AUTH.ROLE_REQUIRED, and no variant ever gets through.
    const operations = Object.entries(doc.paths as Record<string, Record<string, Record<string, unknown>>>).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, method: method.toUpperCase(), path, role: op[REQUIRED_ROLE_EXTENSION] })),
    );
    const guarded = operations.filter((op) => op.role);
    expect(guarded.map((g) => `${g.key} ${g.role}`).sort()).toEqual([
      'GET /v1/ops/accounts/{accountId}/suspension operator',
      'GET /v1/ops/audit operator',
      'GET /v1/ops/live operator',
      'GET /v1/ops/live/{broadcastId} operator',
      'GET /v1/ops/reports operator',
      'GET /v1/ops/reports/targets/{targetType}/{targetId} operator',
      'GET /v1/ops/sfu-nodes operator',
      'POST /v1/ops/accounts/{accountId}/suspension operator',
      'POST /v1/ops/accounts/{accountId}/suspension/lift operator',
      'POST /v1/ops/broadcasts/{broadcastId}/takedown operator',
      'POST /v1/ops/reports/targets/{targetType}/{targetId}/dismiss operator',
    ]);
    expect((await p.answer('POST', '/v1/reports', viewer, { ...report, reason: 'other' })).status).toBe(200);
    for (const { key, method, path } of guarded) {
      const res = await p.answer(method, path.replace('{targetType}', 'broadcast').replace('{targetId}', target).replace('{broadcastId}', randomUUID()).replace('{accountId}', randomUUID()), plain, method === 'GET' ? undefined : { reason: 'a plain user tries' });
      expect({ key, status: res.status, code: res.code }).toEqual({ key, status: 403, code: 'AUTH.ROLE_REQUIRED' });
    }
    const keys = guarded.map((g) => g.key);
    const refused = await sweepOpenApi({ baseUrl: p.ops.url, authHeader: plain.authHeader, pathValues, skip: operations.filter((op) => !op.role).map((op) => op.key) });
    expect(refused.findings).toEqual([]);
    expect(refused.operations).toBe(guarded.length);
    expect(refused.unreached.sort()).toEqual([...keys].sort());
    // Unreached: no variant succeeded. Each was refused by the role check at least once (an
    // operation without parameters, GET /v1/ops/sfu-nodes, has only a couple of variants).
    for (const key of keys) expect(refused.statuses[key][403]).toBeGreaterThan(0);
    // The plain user's sweep dismissed nothing: the viewer's report, open again, is still open.
    expect((await p.answer('GET', `/v1/ops/reports/targets/broadcast/${target}`, p.operator)).body.distinctReporters).toBe(1);
  }, 300_000);
});
