import { TestContext, type TestUser } from '@onair/testing';
import { ids, startDiscoveryPlatform, type DiscoveryPlatform } from '../discovery.test-app.js';

type Page = { items: Array<{ id: string; visibility: string }> };

// Who sees what: public surfaces show public broadcasts only; /following shows the followed
// accounts' followers-only broadcasts and circle ones to members only; blocks either way hide an
// owner everywhere. Follows, circles and blocks are made through the real social-graph.
describe('discovery: who sees what', () => {
  const ctx = TestContext.create('disc_visibility');
  let p: DiscoveryPlatform;
  let owner: TestUser;
  let follower: TestUser;
  let member: TestUser;
  let stranger: TestUser;
  let publicId: string;
  let followersId: string;
  let circleId: string;
  let circleBroadcast: string;

  const graph = async (user: TestUser, method: string, path: string, body?: unknown) => {
    const res = await p.call(p.graph.url, method, path, user, body);
    if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
    return res.status === 204 ? undefined : ((await res.json()) as Record<string, string>);
  };
  // Every public surface, each asked so that it would find `publicId` if it may.
  const surfaces = [
    '/v1/discovery/search?q=river',
    '/v1/discovery/search?topic=rivers',
    '/v1/discovery/map?north=60&south=40&west=-10&east=20&zoom=16',
    '/v1/discovery/near?lat=48.85&lon=2.35&radiusKm=100',
    '/v1/discovery/trending?limit=50',
  ];
  const seenOn = async (user: TestUser, id: string) => {
    const seen: string[] = [];
    for (const path of surfaces) {
      const { status, body } = await p.get<Page & { broadcasts?: Array<{ id: string }> }>(user, path);
      expect(status).toBe(200);
      if ([...(body.items ?? []), ...(body.broadcasts ?? [])].some((i) => i.id === id)) seen.push(path);
    }
    return seen;
  };

  beforeAll(async () => {
    p = await startDiscoveryPlatform(ctx);
    [owner, follower, member, stranger] = await Promise.all([ctx.newUser(), ctx.newUser(), ctx.newUser(), ctx.newUser()]);
    await graph(follower, 'POST', `/v1/graph/follows/${owner.id}`);
    await graph(member, 'POST', `/v1/graph/follows/${owner.id}`);
    circleId = (await graph(owner, 'POST', '/v1/graph/circles', { name: 'Close friends' }))!.id;
    await graph(owner, 'PUT', `/v1/graph/circles/${circleId}/members/${member.id}`);
    const where = { lat: 48.85, lon: 2.35 };
    publicId = await p.goLive(owner, { title: 'River walk', topics: ['rivers'], location: where });
    followersId = await p.goLive(owner, { title: 'River walk for followers', topics: ['rivers'], location: where, visibility: 'followers' });
    circleBroadcast = await p.goLive(owner, { title: 'River walk for the circle', topics: ['rivers'], location: where, visibility: { circleId } });
    await p.waitFor<Page>(follower, '/v1/discovery/following', (b) => ids(b).includes(publicId) && ids(b).includes(followersId), 'the follower sees the follow');
  }, 120_000);
  afterAll(() => ctx.cleanup());

  it('shows public broadcasts on every public surface, and never a followers-only or circle one', async () => {
    for (const user of [stranger, follower, member]) {
      expect(await seenOn(user, publicId)).toEqual(surfaces);
      expect(await seenOn(user, followersId)).toEqual([]);
      expect(await seenOn(user, circleBroadcast)).toEqual([]);
    }
  });

  it("lists the followed accounts' live broadcasts in /following: followers-only too, circle ones to members only", async () => {
    expect(ids((await p.get<Page>(follower, '/v1/discovery/following')).body).sort()).toEqual([publicId, followersId].sort());
    expect(ids((await p.get<Page>(member, '/v1/discovery/following')).body).sort()).toEqual([publicId, followersId, circleBroadcast].sort());
    expect(ids((await p.get<Page>(stranger, '/v1/discovery/following')).body)).toEqual([]);
    // Taken out of the circle: the circle broadcast leaves the member's list.
    await graph(owner, 'DELETE', `/v1/graph/circles/${circleId}/members/${member.id}`);
    expect(ids((await p.get<Page>(member, '/v1/discovery/following')).body)).not.toContain(circleBroadcast);
    await graph(owner, 'PUT', `/v1/graph/circles/${circleId}/members/${member.id}`);
  });

  it('drops an unfollowed account from /following, and a new follow adds it', async () => {
    await graph(stranger, 'POST', `/v1/graph/follows/${owner.id}`);
    await p.waitFor<Page>(stranger, '/v1/discovery/following', (b) => ids(b).includes(followersId), 'followed');
    await graph(stranger, 'DELETE', `/v1/graph/follows/${owner.id}`);
    await p.waitFor<Page>(stranger, '/v1/discovery/following', (b) => ids(b).length === 0, 'unfollowed');
  });

  it("hides an owner's broadcasts everywhere from someone they blocked, and from someone who blocked them, until unblocked", async () => {
    const [blocked, other] = await Promise.all([ctx.newUser(), ctx.newUser()]);
    const elsewhere = await p.goLive(other, { title: 'Elsewhere entirely' });
    await graph(blocked, 'POST', `/v1/graph/follows/${owner.id}`);
    await p.waitFor<Page>(blocked, '/v1/discovery/following', (b) => ids(b).includes(publicId), 'followed');
    await graph(owner, 'PUT', `/v1/graph/blocks/${blocked.id}`);
    await p.waitFor<Page>(blocked, '/v1/discovery/search?q=river', (b) => !ids(b).includes(publicId), 'hidden by the block');
    expect(await seenOn(blocked, publicId)).toEqual([]);
    expect(ids((await p.get<Page>(blocked, '/v1/discovery/following')).body)).toEqual([]);
    // Teleport lands only on what the blocked viewer may see (here: the other broadcast).
    await p.waitFor<Page>(blocked, '/v1/discovery/search?q=elsewhere', (b) => ids(b).includes(elsewhere), 'the other live');
    for (let i = 0; i < 10; i++) {
      const { status, body } = await p.get<{ id: string }>(blocked, '/v1/discovery/teleport');
      expect(status).toBe(200);
      expect(body.id).not.toBe(publicId);
    }
    await graph(owner, 'DELETE', `/v1/graph/blocks/${blocked.id}`);
    await p.waitFor<Page>(blocked, '/v1/discovery/search?q=river', (b) => ids(b).includes(publicId), 'shown again');

    // The other way round: the viewer blocks the owner.
    const blocker = await ctx.newUser();
    expect(await seenOn(blocker, publicId)).toEqual(surfaces);
    await graph(blocker, 'PUT', `/v1/graph/blocks/${owner.id}`);
    await p.waitFor<Page>(blocker, '/v1/discovery/search?q=river', (b) => !ids(b).includes(publicId), 'hidden from the blocker');
    expect(await seenOn(blocker, publicId)).toEqual([]);
  });
});
