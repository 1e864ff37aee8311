import { TestContext, type TestUser } from '@onair/testing';
import { randomUUID } from 'node:crypto';
import { startNotificationsPlatform, type InboxItem, type NotificationsPlatform } from '../notifications.test-app.js';

interface Page {
  items: InboxItem[];
  nextCursor: string | null;
}
const errorOf = async (res: Response) => [res.status, ((await res.json()) as { error: { code: string } }).error.code];

describe('notifications: the inbox', () => {
  const ctx = TestContext.create('notif_inbox');
  let p: NotificationsPlatform;
  let me: TestUser;
  let followers: TestUser[];
  const page = async (query: string, user = me) => {
    const res = await p.api('GET', `/v1/notifications${query}`, user);
    expect(res.status).toBe(200);
    return (await res.json()) as Page;
  };
  const unread = async () => ((await (await p.api('GET', '/v1/notifications/unread-count', me)).json()) as { unread: number }).unread;

  beforeAll(async () => {
    p = await startNotificationsPlatform(ctx);
    me = await ctx.newUser();
    followers = await Promise.all(Array.from({ length: 5 }, () => ctx.newUser()));
    for (const f of followers) {
      expect((await p.call(p.graph.url, 'POST', `/v1/graph/follows/${me.id}`, f)).status).toBeLessThan(300);
    }
    await p.waitForInbox(me, (i) => i.length === 5, 'five follows');
  }, 120_000);
  afterAll(() => ctx.cleanup());

  it('pages newest first with a cursor, each notification once', async () => {
    const seen: InboxItem[] = [];
    let cursor: string | null = '';
    let pages = 0;
    while (cursor !== null) {
      const got: Page = await page(`?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(got.items.length).toBeLessThanOrEqual(2);
      seen.push(...got.items);
      cursor = got.nextCursor;
      pages++;
    }
    expect(pages).toBe(3);
    expect(new Set(seen.map((i) => i.id)).size).toBe(5);
    // Newest first: the last follower is on top.
    expect(seen.map((i) => i.actor?.id)).toEqual(followers.map((f) => f.id).reverse());
    const at = seen.map((i) => Date.parse((i as InboxItem & { at: string }).at));
    expect([...at].sort((a, b) => b - a)).toEqual(at);
    // Someone else's inbox is their own.
    expect((await page('', followers[0])).items).toEqual([]);
  });

  it('counts unread, marks one read (twice is fine), filters, and marks all read', async () => {
    expect(await unread()).toBe(5);
    const [first] = (await page('?limit=1')).items;
    const read = await p.api('POST', `/v1/notifications/${first.id}/read`, me);
    expect(read.status).toBe(200);
    expect(await read.json()).toMatchObject({ id: first.id, read: true });
    expect((await p.api('POST', `/v1/notifications/${first.id}/read`, me)).status).toBe(200);
    expect(await unread()).toBe(4);
    expect((await page('?unread=true')).items.map((i) => i.id)).not.toContain(first.id);
    expect((await page('?unread=false')).items.map((i) => i.id)).toEqual([first.id]);

    const all = await p.api('POST', '/v1/notifications/read-all', me);
    expect(await all.json()).toEqual({ marked: 4 });
    expect(await unread()).toBe(0);
    expect(await (await p.api('POST', '/v1/notifications/read-all', me)).json()).toEqual({ marked: 0 });
  });

  it('refuses unknown, foreign and malformed ids and cursors with a code', async () => {
    const [mine] = (await page('?limit=1')).items;
    expect(await errorOf(await p.api('POST', `/v1/notifications/${randomUUID()}/read`, me))).toEqual([404, 'NOTIFICATIONS.NOT_FOUND']);
    expect(await errorOf(await p.api('POST', `/v1/notifications/${mine.id}/read`, followers[0]))).toEqual([404, 'NOTIFICATIONS.NOT_FOUND']);
    expect(await errorOf(await p.api('POST', '/v1/notifications/not-an-id/read', me))).toEqual([400, 'REQUEST.VALIDATION_FAILED']);
    for (const cursor of ['nonsense', Buffer.from('2026-01-01T00:00:00.000Z|x').toString('base64url'), Buffer.from("x'; DROP TABLE notification;--|1").toString('base64url')]) {
      expect(await errorOf(await p.api('GET', `/v1/notifications?cursor=${cursor}`, me))).toEqual([400, 'NOTIFICATIONS.INVALID_CURSOR']);
    }
    for (const q of ['?limit=0', '?limit=101', '?unread=maybe', '?extra=1', `?cursor=${'a'.repeat(101)}`]) {
      expect(await errorOf(await p.api('GET', `/v1/notifications${q}`, me))).toEqual([400, 'REQUEST.VALIDATION_FAILED']);
    }
    expect((await fetch(`${p.pods[0].url}/v1/notifications`)).status).toBe(401);
    expect(await unread()).toBe(0);
  });
});
