import { json, sweepOpenApi, TestContext } from '@onair/testing';
import { ids, startDiscoveryPlatform } from './discovery.test-app.js';

// Every operation discovery's OpenAPI document lists, first valid (a real live broadcast near
// the point and in the box, real words) so the handler runs, then with one parameter at a time
// made hostile: never a 5xx, always a stable error code.
describe('discovery: every endpoint in /openapi.json refuses bad input with a 4xx and a code', () => {
  const ctx = TestContext.create('disc_sweep');
  afterAll(() => ctx.cleanup(), 60_000);

  it('sweeps the whole API', async () => {
    const p = await startDiscoveryPlatform(ctx);
    const [ann, bob] = await Promise.all([ctx.newUser(), ctx.newUser()]);
    const id = await p.goLive(ann, { title: 'Jazz by the canal', topics: ['jazz'], location: { lat: 52.37, lon: 4.89 } });
    await p.waitFor(bob, '/v1/discovery/search?q=jazz', (b) => ids(b as never).includes(id), 'searchable');

    const doc = await json(await fetch(`${p.discovery.url}/openapi.json`));
    expect(Object.keys(doc.paths).sort()).toEqual(
      ['/v1/discovery/following', '/v1/discovery/map', '/v1/discovery/near', '/v1/discovery/search', '/v1/discovery/teleport', '/v1/discovery/trending'].sort(),
    );
    const result = await sweepOpenApi({
      baseUrl: p.discovery.url,
      authHeader: bob.authHeader,
      queryValues: { north: ['60'], south: ['40'], west: ['-10'], east: ['20'], zoom: ['5'], lat: ['52.37'], lon: ['4.89'], q: ['jazz'], topic: ['jazz'] },
    });
    expect(result.findings).toEqual([]);
    expect(result.reached).toBeGreaterThan(5);
    expect(result.unreached).toEqual([]);
  }, 240_000);
});
