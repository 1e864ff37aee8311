import { json, sweepOpenApi, TestContext } from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import { startSocialGraph } from './social-graph.test-app.js';

startTelemetry({ serviceName: 'social-graph' });

// Every operation social-graph's OpenAPI document lists, first with a valid request on real
// follows, circles and members (tokens from the real identity service) so the handler runs,
// then with one path parameter, query parameter or body field at a time made hostile: never a
// 5xx, always a stable error code.
describe('social-graph: every endpoint in /openapi.json refuses bad input with a 4xx and a code', () => {
  const ctx = TestContext.create('social_graph_sweep');
  afterAll(() => ctx.cleanup());

  it('sweeps the whole API', async () => {
    const identity = await ctx.startIdentity();
    const graph = await startSocialGraph(ctx, identity.jwksUrl);
    const [ann, bob, cat] = [await ctx.newUser(), await ctx.newUser(), await ctx.newUser()];
    const call = async (method: string, path: string, as: typeof ann) => {
      const res = await fetch(`${graph.url}${path}`, { method, headers: as.authHeader });
      expect(res.status).toBeLessThan(300);
      return res.status === 204 ? undefined : json(res);
    };
    // Bob and cat follow ann; bob is in ann's circle. The sweep runs as ann on bob's id.
    await call('POST', `/v1/graph/follows/${ann.id}`, bob);
    await call('POST', `/v1/graph/follows/${ann.id}`, cat);
    const circle = await json(
      await fetch(`${graph.url}/v1/graph/circles`, {
        method: 'POST',
        headers: { ...ann.authHeader, 'content-type': 'application/json' },
        body: JSON.stringify({ name: 'close friends' }),
      }),
    );
    await call('PUT', `/v1/graph/circles/${circle.id}/members/${bob.id}`, ann);
    // A real cursor (a page of one follower out of two), for the sweep to send and tamper with.
    const { nextCursor } = await call('GET', `/v1/graph/accounts/${ann.id}/followers?limit=1`, ann);
    expect(nextCursor).toEqual(expect.any(String));

    const doc = await json(await fetch(`${graph.url}/openapi.json`));
    expect(Object.keys(doc.paths).length).toBeGreaterThanOrEqual(8);
    const result = await sweepOpenApi({
      baseUrl: graph.url,
      authHeader: ann.authHeader,
      pathValues: { accountId: [bob.id], followerId: [bob.id], followeeId: [ann.id], circleId: [circle.id] },
      queryValues: { cursor: [nextCursor] },
      // The generated name is the one the sweep's POST already gave a circle: renaming to it is a conflict.
      bodyExamples: { 'PATCH /v1/graph/circles/{circleId}': { name: 'renamed by the sweep' } },
      // Blocking bob removes the follows between ann and bob, and bob's follow is what keeps him
      // a member of ann's circle: block (and unblock) after everything else.
      last: ['PUT /v1/graph/blocks/{accountId}', 'DELETE /v1/graph/blocks/{accountId}'],
    });
    expect(result.findings).toEqual([]);
    expect(result.operations).toBe(17);
    expect(result.reached).toBeGreaterThan(30);
    expect(result.unreached).toEqual([]);
    // Cat's follow, which no request addressed, survived the sweep; bob is unblocked again.
    const follows = await call('GET', `/v1/graph/follows/${cat.id}/${ann.id}`, ann);
    expect(follows).toMatchObject({ followerId: cat.id, followeeId: ann.id, following: true });
    expect(await call('GET', '/v1/graph/blocks', ann)).toEqual({ items: [], nextCursor: null });
  }, 300_000);
});
