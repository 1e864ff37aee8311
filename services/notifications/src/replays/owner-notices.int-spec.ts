import { TestContext, type TestUser } from '@onair/testing';
import { startNotificationsPlatform, type InboxItem, type NotificationsPlatform } from '../notifications.test-app.js';

const of = (items: InboxItem[], kind: string, broadcastId?: string) => items.filter((i) => i.kind === kind && (broadcastId === undefined || i.broadcastId === broadcastId));
const settle = () => new Promise((r) => setTimeout(r, 2500));

// What the owner of an account hears about: new followers, their replay being ready, and an hour
// before it expires. Events are delivered twice on purpose: each notice exists once.
describe('notifications: followed, replay ready, replay expiring', () => {
  const ctx = TestContext.create('notif_owner');
  let p: NotificationsPlatform;
  const follow = async (who: TestUser, whom: TestUser, method = 'POST') => {
    const res = await p.call(p.graph.url, method, `/v1/graph/follows/${whom.id}`, who);
    expect(res.status).toBeLessThan(300);
  };

  beforeAll(async () => {
    p = await startNotificationsPlatform(ctx);
  }, 120_000);
  afterAll(() => ctx.cleanup());

  it('says who followed you, once per follower, unless you turned it off', async () => {
    const [star, ann, bob] = await Promise.all([ctx.newUser(), ctx.newUser(), ctx.newUser()]);
    await follow(ann, star);
    const items = await p.waitForInbox(star, (i) => of(i, 'followed').length === 1, 'followed by ann');
    expect(of(items, 'followed')[0]).toMatchObject({ actor: { id: ann.id, handle: ann.handle }, read: false });

    // Unfollow and follow again: nothing new.
    await follow(ann, star, 'DELETE');
    await follow(ann, star);
    expect((await p.api('PATCH', '/v1/notifications/preferences', star, { followers: false })).status).toBe(200);
    await follow(bob, star);
    await settle();
    expect(of(await p.inbox(star), 'followed').map((i) => i.actor?.id)).toEqual([ann.id]);
  });

  it('tells the owner a replay is ready, and reminds them an hour before it expires', async () => {
    const owner = await ctx.newUser();
    const id = await p.goLive(owner, { title: 'Sunset over the bay' });
    // Expires in 1 h 3 s: the reminder is due in 3 s.
    const expiresAt = new Date(Date.now() + 3_600_000 + 3_000);
    await p.replayReady(id, owner.id, expiresAt);
    await p.replayReady(id, owner.id, expiresAt);
    const ready = await p.waitForInbox(owner, (i) => of(i, 'replay_ready', id).length === 1, 'replay ready');
    expect(of(ready, 'replay_ready', id)[0]).toMatchObject({ title: 'Sunset over the bay', actor: null });
    const reminded = await p.waitForInbox(owner, (i) => of(i, 'replay_expiring', id).length === 1, 'the reminder', 20_000);
    expect(of(reminded, 'replay_expiring', id)[0]).toMatchObject({ title: 'Sunset over the bay' });
    // The same event again (a replayed topic) after the reminder went: no second one of either.
    await p.replayReady(id, owner.id, expiresAt);
    await settle();
    const after = await p.inbox(owner);
    expect([of(after, 'replay_ready', id).length, of(after, 'replay_expiring', id).length]).toEqual([1, 1]);
  });

  it('sends no reminder for a replay that expired (or was deleted) first, nor to an owner who turned replay notices off', async () => {
    const [owner, quiet] = await Promise.all([ctx.newUser(), ctx.newUser()]);
    const gone = await p.goLive(owner);
    await p.replayReady(gone, owner.id, new Date(Date.now() + 3_600_000 + 3_000));
    await p.waitForInbox(owner, (i) => of(i, 'replay_ready', gone).length === 1, 'replay ready');
    await p.expire(gone, owner.id);

    expect((await p.api('PATCH', '/v1/notifications/preferences', quiet, { replays: false })).status).toBe(200);
    const muted = await p.goLive(quiet);
    await p.replayReady(muted, quiet.id, new Date(Date.now() + 3_600_000 + 2_000));
    await new Promise((r) => setTimeout(r, 6000));
    expect(of(await p.inbox(owner), 'replay_expiring')).toEqual([]);
    expect(await p.inbox(quiet)).toEqual([]);
    expect(await p.sql('SELECT broadcast_id FROM replay_reminder WHERE broadcast_id = ANY($1)', [[gone, muted]])).toEqual([]);
  }, 30_000);
});
