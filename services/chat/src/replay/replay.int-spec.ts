import { json, TestContext, waitUntil, type TestUser } from '@onair/testing';
import { startChatPlatform, type ChatPlatform } from '../chat.test-app.js';

interface Item {
  kind: string;
  text: string | null;
  offsetMs: number;
  taps: number | null;
}

// The chat of a replay: stored with offsets from the broadcast start, served in the room's
// order to the replay's audience, and gone with the replay (6 s after the end here).
describe('chat replay', () => {
  const ctx = TestContext.create('chat_replay');
  let platform: ChatPlatform;
  let ann: TestUser, bob: TestUser, cat: TestUser;

  beforeAll(async () => {
    platform = await startChatPlatform(ctx, {}, 2, { REPLAY_TTL_SECONDS: '6' });
    [ann, bob, cat] = await Promise.all([ctx.newUser(), ctx.newUser(), ctx.newUser()]);
  }, 180_000);
  afterAll(() => ctx.cleanup(), 60_000);

  it('returns messages and heart bursts in order, page by page, to the audience only, until the replay expires', async () => {
    const id = await platform.liveBroadcast(ann);
    const [a, b] = [await platform.join(ann, id, 0), await platform.join(bob, id, 1)];
    const sent: string[] = [];
    for (let i = 0; i < 4; i++) {
      for (const [who, c] of [['ann', a], ['bob', b]] as const) {
        const text = `${who} ${i}`;
        expect(await c.request({ type: 'message', text })).toMatchObject({ type: 'ack' });
        sent.push(text);
      }
      b.send({ type: 'hearts', count: 3 });
      await new Promise((r) => setTimeout(r, 300));
    }
    await waitUntil(() => a.texts.length === 8, 10_000, 'every message delivered');
    const liveOrder = a.texts;
    expect((await platform.call(platform.sessions, 'POST', `/v1/broadcasts/${id}/end`, ann)).status).toBe(200);

    const { ticket } = await json(await platform.chatTicket(cat, id));
    const page = (user: TestUser, query: string, t = ticket) => platform.call(platform.pods[1].url, 'GET', `/v1/chat/broadcasts/${id}/replay?ticket=${t}${query}`, user);
    let items: Item[] = [];
    await waitUntil(async () => {
      items = (await json(await page(cat, ''))).items;
      return items.filter((i) => i.kind === 'message').length === 8 && items.filter((i) => i.kind === 'hearts').reduce((n, i) => n + i.taps!, 0) === 12;
    }, 20_000, 'the archive to hold the room');
    expect(items.filter((i) => i.kind === 'message').map((i) => i.text)).toEqual(liveOrder);
    expect(items.map((i) => i.offsetMs)).toEqual([...items.map((i) => i.offsetMs)].sort((x, y) => x - y));
    expect(items[0].offsetMs).toBeGreaterThanOrEqual(0);

    // Page by page gives the same items.
    const paged: Item[] = [];
    let cursor = '';
    do {
      const p = await json(await page(cat, `&limit=3${cursor ? `&cursor=${cursor}` : ''}`));
      paged.push(...p.items);
      cursor = p.nextCursor ?? '';
    } while (cursor);
    expect(paged).toEqual(items);

    // A ticket is its holder's: bob cannot read with cat's.
    expect((await json(await page(bob, ''))).error.code).toBe('CHAT.TICKET_MISMATCH');
    expect((await page(cat, '', 'not-a-ticket')).status).toBe(401);
    expect((await page(cat, '&fromMs=10&toMs=5')).status).toBe(400);

    // Expired with the replay, for everyone, the owner included.
    await waitUntil(async () => (await json(await platform.call(platform.sessions, 'GET', `/v1/broadcasts/${id}`, ann))).state === 'expired', 30_000, 'the replay expired');
    await waitUntil(async () => (await page(cat, '')).status === 410, 20_000, 'the chat replay gone');
    expect((await json(await page(cat, ''))).error.code).toBe('CHAT.REPLAY_GONE');
  }, 120_000);
});
