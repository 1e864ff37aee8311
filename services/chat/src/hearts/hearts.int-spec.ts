import { json, TestContext, waitUntil, type TestUser } from '@onair/testing';
import { startChatPlatform, type ChatPlatform } from '../chat.test-app.js';

// Hearts from two pods: bursts instead of a frame per tap, at most 500 per viewer toward the
// total, and the total in stream-sessions' broadcast stats.
describe('hearts', () => {
  const ctx = TestContext.create('chat_hearts');
  let platform: ChatPlatform;
  let ann: TestUser, bob: TestUser, cat: TestUser;

  beforeAll(async () => {
    platform = await startChatPlatform(ctx);
    [ann, bob, cat] = await Promise.all([ctx.newUser(), ctx.newUser(), ctx.newUser()]);
  }, 180_000);
  afterAll(() => ctx.cleanup(), 60_000);

  it('counts at most 500 per viewer, however many sockets and pods, and reaches hearts_total', async () => {
    const id = await platform.liveBroadcast(ann);
    const watcher = await platform.join(ann, id, 0);
    // bob taps 700 times from two sockets on two pods; cat taps 30 times.
    const [bobA, bobB, catB] = [await platform.join(bob, id, 0), await platform.join(bob, id, 1), await platform.join(cat, id, 1)];
    for (let i = 0; i < 14; i++) {
      for (const c of [bobA, bobB]) c.send({ type: 'hearts', count: 25 });
      await new Promise((r) => setTimeout(r, 60));
    }
    catB.send({ type: 'hearts', count: 30 });
    const stats = async () => (await json(await platform.call(platform.sessions, 'GET', `/v1/broadcasts/${id}`, ann))).stats.heartsTotal;
    await waitUntil(async () => (await stats()) === 530, 20_000, 'hearts_total 530 (500 of bob, 30 of cat)');
    await new Promise((r) => setTimeout(r, 1000));
    expect(await stats()).toBe(530);

    // Every tap animates: 730 taps reached the room, in far fewer frames than the 29 tap frames.
    await waitUntil(() => sumTaps(watcher.frames) === 730, 10_000, 'all 730 taps as bursts');
    const bursts = watcher.frames.filter((f) => f.type === 'hearts');
    expect(bursts.length).toBeLessThan(29);
  });
});

const sumTaps = (frames: Array<{ type: string; taps?: unknown }>) => frames.filter((f) => f.type === 'hearts').reduce((n, f) => n + (f.taps as number), 0);
