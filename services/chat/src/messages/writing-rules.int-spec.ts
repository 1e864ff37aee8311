import { TestContext, type TestUser } from '@onair/testing';
import { startChatPlatform, type ChatClient, type ChatPlatform } from '../chat.test-app.js';

// Who may write, with sockets on two chat pods: the crowd rule (here past 2 joined viewers,
// counted across pods), followers-only comments, and the per-writer limits with a flood closing
// the socket.
describe('writing rules', () => {
  const ctx = TestContext.create('chat_rules');
  let platform: ChatPlatform;
  let ann: TestUser, fan: TestUser, v1: TestUser, v2: TestUser, v3: TestUser;

  beforeAll(async () => {
    platform = await startChatPlatform(ctx, { CHAT_OPEN_COMMENTERS: '2' }, 2);
    [ann, fan, v1, v2, v3] = await Promise.all([ctx.newUser(), ctx.newUser(), ctx.newUser(), ctx.newUser(), ctx.newUser()]);
    expect((await platform.call(platform.graph, 'POST', `/v1/graph/follows/${ann.id}`, fan)).status).toBe(201);
  }, 180_000);
  afterAll(() => ctx.cleanup(), 60_000);

  const write = (c: ChatClient, text: string) => c.request({ type: 'message', text });

  it('lets only the first commenters and the followers write in a crowded room; the others keep reading', async () => {
    const id = await platform.liveBroadcast(ann);
    const [owner, a, b, c, f] = [await platform.join(ann, id, 0), await platform.join(v1, id, 1), await platform.join(v2, id, 0), await platform.join(v3, id, 1), await platform.join(fan, id, 0)];
    // Crowded means across pods: each pod sees all five.
    for (const client of [owner, a]) await client.next('presence', (p) => p.joined === 5, 0, 20_000);
    expect(await write(a, 'first')).toMatchObject({ type: 'ack' });
    expect(await write(b, 'second')).toMatchObject({ type: 'ack' });
    const late = await write(c, 'third');
    expect(late.error).toMatchObject({ code: 'CHAT.COMMENTS_FULL' });
    expect(c.lastState()).toMatchObject({ canWrite: false, reason: 'COMMENTS_FULL' });
    expect(await write(f, 'a follower')).toMatchObject({ type: 'ack' });
    expect(await write(owner, 'the broadcaster')).toMatchObject({ type: 'ack' });
    // The refused viewer still reads the room.
    await c.next('messages', (fr) => (fr.items as Array<{ text: string }>).some((i) => i.text === 'the broadcaster'));
  });

  it("switches to followers-only comments and back at the broadcaster's word", async () => {
    const id = await platform.liveBroadcast(ann);
    const [owner, a, f] = [await platform.join(ann, id, 0), await platform.join(v1, id, 1), await platform.join(fan, id, 1)];
    expect((await a.request({ type: 'settings', followersOnly: true })).error).toMatchObject({ code: 'CHAT.NOT_BROADCASTER' });
    expect(await owner.request({ type: 'settings', followersOnly: true })).toMatchObject({ type: 'ack' });
    await a.next('state', (s) => s.followersOnly === true && s.reason === 'FOLLOWERS_ONLY');
    expect((await write(a, 'let me in')).error).toMatchObject({ code: 'CHAT.FOLLOWERS_ONLY' });
    expect(await write(f, 'a follower writes')).toMatchObject({ type: 'ack' });
    // From here on: the state frame at join said the same, and must not count.
    const seen = a.frames.length;
    expect(await owner.request({ type: 'settings', followersOnly: false })).toMatchObject({ type: 'ack' });
    await a.next('state', (s) => s.followersOnly === false && s.canWrite === true, seen);
    expect(await write(a, 'open again')).toMatchObject({ type: 'ack' });
  });

  it('limits a writer to 1 message a second with bursts of 5, collapses repeats, and closes a flood', async () => {
    const id = await platform.liveBroadcast(ann);
    const f = await platform.join(fan, id, 1);
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await write(f, `burst ${i}`));
    expect(answers.slice(0, 5).every((x) => x.type === 'ack')).toBe(true);
    expect(answers[5].error).toMatchObject({ code: 'CHAT.RATE_LIMITED' });
    await new Promise((r) => setTimeout(r, 1100));
    expect(await write(f, 'burst 4')).toMatchObject({ type: 'ack', collapsed: true }); // the same text again: collapsed
    for (let i = 0; i < 12 && f.open; i++) f.send({ type: 'message', text: `flood ${i}` });
    expect(await f.closed).toEqual({ code: 4429, reason: 'CHAT.FLOOD' });
  });
});
