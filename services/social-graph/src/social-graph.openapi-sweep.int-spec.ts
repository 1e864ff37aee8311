import { json, sweepOpenApi, TestContext } from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import { startSocialGraph } from './social-graph.test-app.js';

startTelemetry({ serviceName: 'social-graph' });

// Hostile input to every operation social-graph's OpenAPI document lists, with real tokens
// from the real identity service: never a 5xx, always a stable error code.
describe('social-graph: every endpoint in /openapi.json refuses bad input with a 4xx and a code', () => {
  const ctx = TestContext.create('social_graph_sweep');
  afterAll(() => ctx.cleanup());

  it('sweeps the whole API', async () => {
    const identity = await ctx.startIdentity();
    const graph = await startSocialGraph(ctx, identity.jwksUrl);
    const [ann, bob] = [await ctx.newUser(), await ctx.newUser()];
    // Some state for the sweep to run into: a follow and a circle.
    await fetch(`${graph.url}/v1/graph/follows/${ann.id}`, { method: 'POST', headers: bob.authHeader });
    const doc = await json(await fetch(`${graph.url}/openapi.json`));
    expect(Object.keys(doc.paths).length).toBeGreaterThanOrEqual(8);
    const result = await sweepOpenApi({ baseUrl: graph.url, authHeader: ann.authHeader });
    expect(result.operations).toBeGreaterThanOrEqual(12);
    expect(result.findings).toEqual([]);
    // The follow survived the sweep.
    const follows = await json(await fetch(`${graph.url}/v1/graph/follows/${bob.id}/${ann.id}`, { headers: ann.authHeader }));
    expect(follows).toMatchObject({ followerId: bob.id, followeeId: ann.id, following: true });
  }, 300_000);
});
