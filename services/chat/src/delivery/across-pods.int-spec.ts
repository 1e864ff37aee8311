import { TestContext, waitUntil, type TestUser } from '@onair/testing';
import { startChatPlatform, type ChatPlatform } from '../chat.test-app.js';

// Two chat pods on real Kafka and PostgreSQL: a room's messages through its one partition, each
// pod delivering to its own sockets, in one order everywhere.
describe('chat across pods', () => {
  const ctx = TestContext.create('chat_pods');
  let platform: ChatPlatform;
  let ann: TestUser, bob: TestUser, cat: TestUser;

  beforeAll(async () => {
    platform = await startChatPlatform(ctx);
    [ann, bob, cat] = await Promise.all([ctx.newUser(), ctx.newUser(), ctx.newUser()]);
  }, 180_000);
  afterAll(() => ctx.cleanup(), 60_000);

  it('shows viewers on two pods the same messages in the same order', async () => {
    const id = await platform.liveBroadcast(ann);
    const owner = await platform.join(ann, id, 0);
    const onA = await platform.join(bob, id, 0);
    const onB = await platform.join(cat, id, 1);
    const sent: string[] = [];
    // Writers on both pods at once, each within its burst of 5.
    await Promise.all(
      [owner, onA, onB].map(async (client, w) => {
        for (let i = 0; i < 5; i++) {
          const text = `w${w} m${i}`;
          const ack = await client.request({ type: 'message', text });
          expect(ack).toMatchObject({ type: 'ack', messageId: expect.any(String) });
          sent.push(text);
        }
      }),
    );
    for (const c of [owner, onA, onB]) await waitUntil(() => c.texts.length === 15, 15_000, 'all 15 messages');
    expect(new Set(onA.texts)).toEqual(new Set(sent));
    expect(onB.texts).toEqual(onA.texts);
    expect(owner.texts).toEqual(onA.texts);
    // Each writer's own messages keep the order it sent them in.
    for (let w = 0; w < 3; w++) expect(onB.texts.filter((t) => t.startsWith(`w${w} `))).toEqual([0, 1, 2, 3, 4].map((i) => `w${w} m${i}`));
  });

  it('counts presence across pods', async () => {
    const id = await platform.liveBroadcast(ann);
    const a = await platform.join(bob, id, 0);
    const b = await platform.join(cat, id, 1);
    b.send({ type: 'presence', watching: true });
    for (const c of [a, b]) await c.next('presence', (f) => f.joined === 2 && f.watching === 1, 0, 20_000);
    b.ws.close();
    await a.next('presence', (f) => f.joined === 1 && f.watching === 0, 0, 20_000);
  });

  it('reads only the partitions of the rooms a pod has sockets in', async () => {
    const feeds = async (pod: number) => {
      const metrics = await (await fetch(`${platform.pods[pod].url}/metrics`)).text();
      return Number(/chat_partition_feeds\S* (\d+)/.exec(metrics)?.[1] ?? NaN);
    };
    const id = await platform.liveBroadcast(ann);
    const before = await feeds(1);
    await platform.join(bob, id, 0);
    // pod-1 has no socket in this room: it started no reader for it.
    expect(await feeds(1)).toBe(before);
    expect(await feeds(0)).toBeGreaterThanOrEqual(1);
  });
});
