import { TestContext, waitUntil, type TestUser } from '@onair/testing';
import { ids, startDiscoveryPlatform, type DiscoveryPlatform } from '../discovery.test-app.js';

type Page = { items: Array<{ id: string; state: string; viewersNow: number; viewersPeak: number; heartsTotal: number; owner: { handle: string; displayName: string } }> };

// Discovery fed by events only: stream-sessions' lifecycle and stats events on the real Kafka,
// identity's profile events, into the real Elasticsearch; read back through discovery's API.
describe('discovery: the broadcasts it is fed', () => {
  const ctx = TestContext.create('disc_feed');
  let p: DiscoveryPlatform;
  let owner: TestUser;
  let viewer: TestUser;

  beforeAll(async () => {
    p = await startDiscoveryPlatform(ctx, { DISCOVERY_GONE_RETENTION_SECONDS: '2', DISCOVERY_ENDED_RETENTION_SECONDS: '3', DISCOVERY_PURGE_INTERVAL_SECONDS: '1' });
    [owner, viewer] = await Promise.all([ctx.newUser(), ctx.newUser()]);
  }, 120_000);
  afterAll(() => ctx.cleanup());

  const search = (q: string, state = 'live') => p.get<Page>(viewer, `/v1/discovery/search?q=${encodeURIComponent(q)}&state=${state}`);
  const esDoc = async (id: string) => (await fetch(`${ctx.infra.esUrl}/${ctx.indexPrefix}broadcasts/_doc/${id}`)).json() as Promise<{ found: boolean; _source?: Record<string, unknown> }>;

  it('makes a go-live searchable within seconds, with the owner as identity named them', async () => {
    const started = Date.now();
    const id = await p.goLive(owner, { title: 'Harbour lights at dusk', topics: ['harbour'] });
    // The owner's names come from identity's events, which may reach discovery after the go-live:
    // the document is searchable first and named once the account event lands (both within seconds).
    const named = (b: Page) => b.items.find((i) => i.id === id)?.owner.handle === owner.handle;
    const found = await p.waitFor<Page>(viewer, '/v1/discovery/search?q=harbour%20lights', named, 'the go-live searchable, its owner named', 5000);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(found.items.find((i) => i.id === id)).toMatchObject({ state: 'live', owner: { handle: owner.handle } });
  });

  it('follows every transition: live, ended (shown nowhere), replay, gone (a tombstone, then deleted)', async () => {
    const id = await p.goLive(owner, { title: 'Lighthouse keeper diaries' });
    await p.waitFor<Page>(viewer, '/v1/discovery/search?q=lighthouse', (b) => ids(b).includes(id), 'live');
    await p.end(id, owner.id);
    await p.waitFor<Page>(viewer, '/v1/discovery/search?q=lighthouse', (b) => !ids(b).includes(id), 'gone from live once ended');
    expect(ids((await search('lighthouse', 'replay')).body)).not.toContain(id);
    expect((await esDoc(id))._source).toMatchObject({ state: 'ended', viewers_now: 0 });

    await p.replayReady(id, owner.id);
    await p.waitFor<Page>(viewer, '/v1/discovery/search?q=lighthouse&state=replay', (b) => ids(b).includes(id), 'a replay');
    expect(ids((await search('lighthouse')).body)).not.toContain(id);

    await p.expire(id, owner.id);
    await p.waitFor<Page>(viewer, '/v1/discovery/search?q=lighthouse&state=replay', (b) => !ids(b).includes(id), 'gone for everyone');
    // The owner does not see it either, anywhere.
    expect(ids((await p.get<Page>(owner, '/v1/discovery/search?q=lighthouse&state=replay')).body)).not.toContain(id);
    // Purged after DISCOVERY_GONE_RETENTION_SECONDS (2 s here), by the purge every second.
    await waitUntil(async () => !(await esDoc(id)).found, 15_000, 'the tombstone purged');
  });

  it('purges an ended broadcast whose replay never came, after its retention', async () => {
    const id = await p.goLive(owner, { title: 'Recording that never came' });
    await p.waitFor<Page>(viewer, '/v1/discovery/search?q=recording%20never', (b) => ids(b).includes(id), 'live');
    await p.end(id, owner.id);
    await waitUntil(async () => (await esDoc(id))._source?.state === 'ended', 10_000, 'ended');
    await waitUntil(async () => !(await esDoc(id)).found, 15_000, 'purged');
  });

  it('takes viewer counts as batched partial updates: a burst of stats events costs far fewer writes than events', async () => {
    const broadcasts = await Promise.all(Array.from({ length: 5 }, (_, i) => p.goLive(owner, { title: `Stats burst ${i}` })));
    await p.waitFor<Page>(viewer, '/v1/discovery/search?q=stats%20burst&limit=10', (b) => broadcasts.every((id) => ids(b).includes(id)), 'all five live');
    const writes = async () => {
      const stats = (await (await fetch(`${ctx.infra.esUrl}/${ctx.indexPrefix}broadcasts/_stats/indexing`)).json()) as { _all: { primaries: { indexing: { index_total: number } } } };
      return stats._all.primaries.indexing.index_total;
    };
    const before = await writes();
    const start = Date.now() - 60_000;
    // 200 stats events for 5 broadcasts, published together as stream-sessions' stats loop would over time.
    for (let round = 1; round <= 40; round++) {
      await Promise.all(broadcasts.map((id, i) => p.stats(id, round + i, 40 + i, round * 10, new Date(start + round * 1000))));
    }
    await p.waitFor<Page>(viewer, '/v1/discovery/search?q=stats%20burst&limit=10', (b) => b.items.filter((x) => broadcasts.includes(x.id)).every((x) => x.heartsTotal === 400), 'the last totals', 20_000);
    const page = (await search('stats burst')).body;
    for (const [i, id] of broadcasts.entries()) expect(page.items.find((x) => x.id === id)).toMatchObject({ viewersNow: 40 + i, viewersPeak: 40 + i, heartsTotal: 400 });
    // One write per broadcast per batch the consumer read, not one per event (200).
    expect((await writes()) - before).toBeLessThan(100);
  });

  it("shows the owner's new display name once identity publishes the profile change", async () => {
    const id = await p.goLive(owner, { title: 'Renamed owner show' });
    await p.waitFor<Page>(viewer, '/v1/discovery/search?q=renamed%20owner', (b) => ids(b).includes(id), 'live');
    const res = await p.call(p.identity, 'PATCH', '/v1/users/me', owner, { displayName: 'Captain Harbour' });
    expect(res.status).toBe(200);
    await p.waitFor<Page>(viewer, '/v1/discovery/search?q=renamed%20owner', (b) => b.items.find((i) => i.id === id)?.owner.displayName === 'Captain Harbour', 'the new name');
    // And a broadcast that goes live after the rename carries it at once.
    const next = await p.goLive(owner, { title: 'Second renamed show' });
    const body = await p.waitFor<Page>(viewer, '/v1/discovery/search?q=second%20renamed', (b) => ids(b).includes(next), 'live');
    expect(body.items.find((i) => i.id === next)?.owner.displayName).toBe('Captain Harbour');
    // The display name is searchable too.
    await p.waitFor<Page>(viewer, '/v1/discovery/search?q=captain', (b) => ids(b).includes(next), 'found by the name');
  });

  it('drops every broadcast of a deleted account', async () => {
    const leaver = await ctx.newUser();
    const id = await p.goLive(leaver, { title: 'Farewell stream' });
    await p.waitFor<Page>(viewer, '/v1/discovery/search?q=farewell', (b) => ids(b).includes(id), 'live');
    const res = await fetch(`${p.identity}/v1/accounts/me`, { method: 'DELETE', headers: { ...leaver.authHeader, 'content-type': 'application/json' }, body: JSON.stringify({ password: leaver.password }) });
    expect(res.status).toBe(204);
    await p.waitFor<Page>(viewer, '/v1/discovery/search?q=farewell', (b) => !ids(b).includes(id), 'gone with the account');
    expect((await esDoc(id)).found).toBe(false);
  });
});
