import { TestContext, waitUntil, type TestUser } from '@onair/testing';
import { startNotificationsPlatform, type InboxItem, type NotificationsPlatform } from '../notifications.test-app.js';

const wentLive = (items: InboxItem[], broadcastId: string) => items.filter((i) => i.kind === 'went_live' && i.broadcastId === broadcastId);

// A go-live reaches the broadcaster's audience through social-graph's real gRPC streams and
// notifications' own fan-out topic: every follower once, no one else.
describe('notifications: go-live fan-out', () => {
  const ctx = TestContext.create('notif_fanout');
  let p: NotificationsPlatform;
  let owner: TestUser;
  const graph = async (user: TestUser, method: string, path: string, body?: unknown) => {
    const res = await p.call(p.graph.url, method, path, user, body);
    if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
    return res.status === 204 ? undefined : ((await res.json()) as Record<string, string>);
  };

  beforeAll(async () => {
    p = await startNotificationsPlatform(ctx, { NOTIFICATIONS_FANOUT_CHUNK: '2' });
    owner = await ctx.newUser();
  }, 120_000);
  afterAll(() => ctx.cleanup());

  it('tells every follower, once, and no one else: not strangers, not the blocked, not who muted the broadcaster or turned go-lives off', async () => {
    const [a, b, c, stranger, blocked, muter, quiet] = await Promise.all(Array.from({ length: 7 }, () => ctx.newUser()));
    for (const u of [a, b, c, blocked, muter, quiet]) await graph(u, 'POST', `/v1/graph/follows/${owner.id}`);
    await graph(owner, 'PUT', `/v1/graph/blocks/${blocked.id}`);
    // The owner's account is known to notifications once identity's event arrived.
    await waitUntil(async () => (await p.api('PUT', `/v1/notifications/mutes/${owner.id}`, muter)).status === 204, 15_000, 'muted');
    expect((await p.api('PATCH', '/v1/notifications/preferences', quiet, { goLive: false })).status).toBe(200);

    const id = await p.goLive(owner, { title: 'Morning run' });
    for (const u of [a, b, c]) {
      const items = await p.waitForInbox(u, (i) => wentLive(i, id).length === 1, 'the go-live');
      expect(wentLive(items, id)[0]).toMatchObject({ actor: { id: owner.id, handle: owner.handle }, title: 'Morning run', read: false });
    }
    // Chunks of 2 over 4 partitions: three followers came in two chunks; give the rest time to arrive if they were going to.
    await new Promise((r) => setTimeout(r, 1500));
    for (const u of [stranger, blocked, muter, quiet, owner]) expect(wentLive(await p.inbox(u), id)).toEqual([]);
    const [job] = await p.sql<{ recipients: number; done: boolean }>('SELECT recipients, done_at IS NOT NULL AS done FROM fanout_job WHERE broadcast_id = $1', [id]);
    // The muter and the quiet one are followers (filtered at delivery); the blocked one is not any more.
    expect(job).toEqual({ recipients: 5, done: true });
  });

  it('sends a followers-only go-live to the followers, and a circle one to its members only', async () => {
    const [member, follower] = await Promise.all([ctx.newUser(), ctx.newUser()]);
    for (const u of [member, follower]) await graph(u, 'POST', `/v1/graph/follows/${owner.id}`);
    const circle = (await graph(owner, 'POST', '/v1/graph/circles', { name: 'Inner' }))!.id;
    await graph(owner, 'PUT', `/v1/graph/circles/${circle}/members/${member.id}`);

    const forFollowers = await p.goLive(owner, { visibility: 'followers' });
    const forCircle = await p.goLive(owner, { visibility: { circleId: circle } });
    for (const u of [member, follower]) await p.waitForInbox(u, (i) => wentLive(i, forFollowers).length === 1, 'followers-only');
    await p.waitForInbox(member, (i) => wentLive(i, forCircle).length === 1, 'the circle one');
    await new Promise((r) => setTimeout(r, 1500));
    expect(wentLive(await p.inbox(follower), forCircle)).toEqual([]);

    // A circle that is not the broadcaster's reaches nobody.
    const other = await ctx.newUser();
    const foreign = await p.goLive(other, { visibility: { circleId: circle } });
    await waitUntil(async () => (await p.sql('SELECT 1 FROM fanout_job WHERE broadcast_id = $1 AND done_at IS NOT NULL', [foreign])).length === 1, 15_000, 'done');
    expect(wentLive(await p.inbox(member), foreign)).toEqual([]);
  });

  it('caps go-live notifications at 10 an hour per person and counts the rest into one digest', async () => {
    const fan = await ctx.newUser();
    const owners = await Promise.all(Array.from({ length: 13 }, () => ctx.newUser()));
    for (const o of owners) await graph(fan, 'POST', `/v1/graph/follows/${o.id}`);
    for (const o of owners) await p.goLive(o);
    const items = await p.waitForInbox(fan, (i) => i.filter((x) => x.kind === 'went_live').length === 10 && i.some((x) => x.kind === 'went_live_digest' && x.count === 3), 'ten and a digest of three', 30_000);
    expect(items.filter((x) => x.kind === 'went_live_digest')).toHaveLength(1);
  });
});
