import { TestContext, type TestUser } from '@onair/testing';
import { ids, startDiscoveryPlatform, type DiscoveryPlatform } from '../discovery.test-app.js';

type Item = { id: string; title: string; distanceKm?: number; language: string; location: { lat: number; lon: number } | null };
type Page = { items: Item[]; nextCursor: string | null };
type MapAnswer = { zoom: number; clusters: Array<{ key: string; count: number; lat: number; lon: number; top: Item }>; broadcasts: Item[] };

// Each query on real Elasticsearch, through discovery's API, over broadcasts it was fed.
describe('discovery: the queries', () => {
  const ctx = TestContext.create('disc_queries');
  let p: DiscoveryPlatform;
  let viewer: TestUser;
  const live: Record<string, string> = {};
  const places = {
    paris1: { lat: 48.8566, lon: 2.3522 },
    paris2: { lat: 48.8606, lon: 2.3376 },
    paris3: { lat: 48.853, lon: 2.3499 },
    versailles: { lat: 48.8049, lon: 2.1204 },
    lyon: { lat: 45.764, lon: 4.8357 },
    tokyo: { lat: 35.6762, lon: 139.6503 },
    sydney: { lat: -33.8688, lon: 151.2093 },
  };

  beforeAll(async () => {
    p = await startDiscoveryPlatform(ctx);
    viewer = await ctx.newUser();
    const owners = await Promise.all(Object.keys(places).map(() => ctx.newUser()));
    const titles: Record<string, [string, string[], string]> = {
      paris1: ['Jazz night on the Seine', ['music', 'jazz'], 'fr'],
      paris2: ['Louvre pyramid sunrise', ['art'], 'fr'],
      paris3: ['Street food tour', ['food'], 'en'],
      versailles: ['Gardens of Versailles', ['gardens'], 'fr'],
      lyon: ['Cooking with grandma', ['food'], 'fr'],
      tokyo: ['Shibuya crossing at night', ['city'], 'ja'],
      sydney: ['Harbour bridge climb', ['travel'], 'en'],
    };
    for (const [i, [name, where]] of Object.entries(places).entries()) {
      const [title, topics, language] = titles[name];
      live[name] = await p.goLive(owners[i], { title, topics, language, location: where, startedAt: new Date(Date.now() - i * 60_000) });
    }
    await p.waitFor<Page>(viewer, '/v1/discovery/near?lat=0&lon=0&radiusKm=1000', () => true, 'ready');
    await p.waitFor<MapAnswer>(viewer, '/v1/discovery/map?north=85&south=-85&west=-180&east=180&zoom=0', (b) => b.clusters.reduce((n, c) => n + c.count, 0) === 7, 'all seven on the map');
  }, 120_000);
  afterAll(() => ctx.cleanup());

  it('clusters the world map, splits the clusters as the zoom grows, and shows single broadcasts from zoom 14', async () => {
    const world = (await p.get<MapAnswer>(viewer, '/v1/discovery/map?north=85&south=-85&west=-180&east=180&zoom=1')).body;
    const france = world.clusters.find((c) => c.count === 5)!;
    expect(france).toBeDefined();
    expect(france.lat).toBeGreaterThan(45);
    expect(france.lat).toBeLessThan(49);
    expect([live.paris1, live.paris2, live.paris3, live.versailles, live.lyon]).toContain(france.top.id);
    expect(world.clusters.map((c) => c.count).sort()).toEqual([1, 1, 5]);

    const country = (await p.get<MapAnswer>(viewer, '/v1/discovery/map?north=51&south=42&west=-5&east=9&zoom=6')).body;
    expect(country.clusters.map((c) => c.count).sort()).toEqual([1, 4]);
    const city = (await p.get<MapAnswer>(viewer, '/v1/discovery/map?north=48.95&south=48.75&west=2&east=2.5&zoom=11')).body;
    expect(city.clusters.reduce((n, c) => n + c.count, 0)).toBe(4);
    expect(city.clusters.length).toBeGreaterThan(1);

    const street = (await p.get<MapAnswer>(viewer, '/v1/discovery/map?north=48.87&south=48.85&west=2.33&east=2.36&zoom=15')).body;
    expect(street.clusters).toEqual([]);
    expect(street.broadcasts.map((b) => b.id).sort()).toEqual([live.paris1, live.paris2, live.paris3].sort());
  });

  it('finds what is near, nearest first, within the radius, page by page', async () => {
    const near = (await p.get<Page>(viewer, '/v1/discovery/near?lat=48.8566&lon=2.3522&radiusKm=30')).body;
    expect(ids(near)).toEqual([live.paris1, live.paris3, live.paris2, live.versailles]);
    expect(near.items[0].distanceKm).toBe(0);
    expect(near.items[3].distanceKm).toBeGreaterThan(17);
    expect(near.items[3].distanceKm).toBeLessThan(19);
    const first = (await p.get<Page>(viewer, '/v1/discovery/near?lat=48.8566&lon=2.3522&radiusKm=500&limit=2')).body;
    const second = (await p.get<Page>(viewer, `/v1/discovery/near?lat=48.8566&lon=2.3522&radiusKm=500&limit=2&cursor=${first.nextCursor}`)).body;
    const third = (await p.get<Page>(viewer, `/v1/discovery/near?lat=48.8566&lon=2.3522&radiusKm=500&limit=2&cursor=${second.nextCursor}`)).body;
    expect([...ids(first), ...ids(second), ...ids(third)]).toEqual([live.paris1, live.paris3, live.paris2, live.versailles, live.lyon]);
    expect(third.nextCursor).toBeNull();
  });

  it('searches text with typos, by topic, by language and state', async () => {
    expect(ids((await p.get<Page>(viewer, '/v1/discovery/search?q=jaz%20nigth')).body)[0]).toBe(live.paris1);
    expect(ids((await p.get<Page>(viewer, '/v1/discovery/search?q=shibuya')).body)).toEqual([live.tokyo]);
    expect(ids((await p.get<Page>(viewer, '/v1/discovery/search?topic=food')).body).sort()).toEqual([live.paris3, live.lyon].sort());
    expect(ids((await p.get<Page>(viewer, '/v1/discovery/search?topic=food&language=EN')).body)).toEqual([live.paris3]);
    expect(ids((await p.get<Page>(viewer, '/v1/discovery/search?topic=food&state=replay')).body)).toEqual([]);
    // Newest first without words: paged with a cursor.
    const page1 = (await p.get<Page>(viewer, '/v1/discovery/search?topic=food&limit=1')).body;
    const page2 = (await p.get<Page>(viewer, `/v1/discovery/search?topic=food&limit=1&cursor=${page1.nextCursor}`)).body;
    expect([...ids(page1), ...ids(page2)]).toEqual([live.paris3, live.lyon]);
  });

  it('treats query syntax as words: no field, wildcard or boolean reaches Elasticsearch', async () => {
    for (const q of ['*', 'title:*', 'owner_id:* OR state:live', '(jazz) AND NOT (food)', '{"match_all":{}}', '\\" OR 1=1 --']) {
      const res = await p.get<Page>(viewer, `/v1/discovery/search?q=${encodeURIComponent(q)}`);
      expect(res.status).toBe(200);
      // Nothing matches everything: at most the broadcasts whose words the text really holds.
      expect(res.body.items.length).toBeLessThan(7);
    }
  });

  it('ranks trending by viewers and heart velocity, and teleports to a live public broadcast', async () => {
    const t0 = Date.now() - 120_000;
    await p.stats(live.sydney, 5, 5, 0, new Date(t0));
    await p.stats(live.sydney, 900, 900, 6000, new Date(t0 + 60_000));
    await p.stats(live.lyon, 300, 300, 0, new Date(t0));
    await p.stats(live.lyon, 300, 300, 10, new Date(t0 + 60_000));
    // Stats events are keyed by broadcast (other partitions, applied in any order): wait for both
    // broadcasts' stats, then the order is what the ranking says.
    const trending = await p.waitFor<Page>(viewer, '/v1/discovery/trending', (b) => ids(b)[0] === live.sydney && ids(b).indexOf(live.lyon) === 1, 'sydney, then lyon');
    expect(ids(trending).indexOf(live.lyon)).toBe(1);
    const seen = new Set<string>();
    for (let i = 0; i < 20; i++) seen.add((await p.get<{ id: string }>(viewer, '/v1/discovery/teleport')).body.id);
    expect(seen.size).toBeGreaterThan(1);
    for (const id of seen) expect(Object.values(live)).toContain(id);
    expect((await p.get(viewer, '/v1/discovery/teleport?language=de')).body).toMatchObject({ error: { code: 'DISCOVERY.NOTHING_LIVE' } });
  });

  it('refuses bad input with a 4xx and a stable code', async () => {
    const cases: Array<[string, number, string]> = [
      ['/v1/discovery/map?north=10&south=20&west=0&east=10&zoom=3', 400, 'DISCOVERY.BOX_INVERTED'],
      ['/v1/discovery/map?north=20&south=10&west=170&east=-170&zoom=3', 400, 'DISCOVERY.BOX_WRAPS_WORLD'],
      ['/v1/discovery/map?north=91&south=10&west=0&east=10&zoom=3', 400, 'REQUEST.VALIDATION_FAILED'],
      ['/v1/discovery/map?north=20&south=10&west=0&east=10&zoom=23', 400, 'REQUEST.VALIDATION_FAILED'],
      ['/v1/discovery/map?north=20&south=10&west=0&east=10&zoom=-1', 400, 'REQUEST.VALIDATION_FAILED'],
      ['/v1/discovery/map?north=NaN&south=10&west=0&east=10&zoom=3', 400, 'REQUEST.VALIDATION_FAILED'],
      ['/v1/discovery/near?lat=100&lon=0', 400, 'REQUEST.VALIDATION_FAILED'],
      ['/v1/discovery/near?lat=0&lon=0&radiusKm=100000', 400, 'REQUEST.VALIDATION_FAILED'],
      ['/v1/discovery/near?lat=0&lon=0&limit=100000', 400, 'REQUEST.VALIDATION_FAILED'],
      ['/v1/discovery/search?q=jazz&limit=10000', 400, 'REQUEST.VALIDATION_FAILED'],
      ['/v1/discovery/search', 400, 'REQUEST.VALIDATION_FAILED'],
      [`/v1/discovery/search?q=${'a'.repeat(101)}`, 400, 'REQUEST.VALIDATION_FAILED'],
      ['/v1/discovery/search?q=%E2%80%AEevil', 400, 'REQUEST.VALIDATION_FAILED'],
      ['/v1/discovery/search?q=jazz&state=gone', 400, 'REQUEST.VALIDATION_FAILED'],
      ['/v1/discovery/search?q=jazz&cursor=bm90LWpzb24', 400, 'DISCOVERY.INVALID_CURSOR'],
      [`/v1/discovery/search?q=jazz&cursor=${Buffer.from('[{"script":1},1,"x"]').toString('base64url')}`, 400, 'DISCOVERY.INVALID_CURSOR'],
      ['/v1/discovery/search?topic=a%20b', 400, 'REQUEST.VALIDATION_FAILED'],
      ['/v1/discovery/trending?limit=51', 400, 'REQUEST.VALIDATION_FAILED'],
      ['/v1/discovery/following?extra=1', 400, 'REQUEST.VALIDATION_FAILED'],
    ];
    for (const [path, status, code] of cases) {
      const res = await p.get<{ error: { code: string } }>(viewer, path);
      expect({ path, status: res.status, code: res.body.error?.code }).toEqual({ path, status, code });
    }
    const anonymous = await fetch(`${p.discovery.url}/v1/discovery/trending`);
    expect(anonymous.status).toBe(401);
  });
});
