import { create } from '@bufbuild/protobuf';
import { timestampNow } from '@bufbuild/protobuf/wkt';
import { BroadcastEndedEvent, BroadcastEndedSchema, BroadcastEndReason, BroadcastWentLiveEvent, BroadcastWentLiveSchema } from '@onair/contracts';
import { TestContext, waitUntil } from '@onair/testing';
import { randomUUID } from 'node:crypto';
import { startNotificationsPlatform, type NotificationsPlatform } from '../notifications.test-app.js';

const FOLLOWERS = 20_000;

// A broadcast taken down while its go-live is still fanning out: from the takedown event on, no
// follower is told (chunks already on the fan-out topic deliver nothing, the job stops) and the
// went_live rows written before it are deleted. An owner's own end stops nothing.
describe('notifications: no go-live notification after a takedown', () => {
  const ctx = TestContext.create('notif_takedown');
  let p: NotificationsPlatform;
  beforeAll(async () => {
    p = await startNotificationsPlatform(ctx, { NOTIFICATIONS_FANOUT_CHUNK: '50' });
  }, 120_000);
  afterAll(() => ctx.cleanup());

  const end = (broadcastId: string, ownerId: string, reason: BroadcastEndReason) =>
    p.publish(BroadcastEndedEvent, create(BroadcastEndedSchema, { broadcastId, ownerId, reason, endedAt: timestampNow() }));
  const counts = async (id: string) =>
    (
      await p.sql<{ went_live: number; delivered: number; done: boolean }>(
        `SELECT (SELECT count(*)::int FROM notification WHERE kind = 'went_live' AND broadcast_id = $1) AS went_live,
                (SELECT count(*)::int FROM go_live_delivery WHERE broadcast_id = $1) AS delivered,
                (SELECT coalesce(bool_and(done_at IS NOT NULL), false) FROM fanout_job WHERE broadcast_id = $1) AS done`,
        [id],
      )
    )[0];

  it('stops a fan-out under way and writes no go-live after the takedown event', async () => {
    const owner = { id: randomUUID() };
    await p.addFollowers(owner.id, FOLLOWERS);
    const id = await p.goLive(owner, { title: 'Taken down soon' });
    await waitUntil(async () => (await counts(id)).went_live > 0, 30_000, 'the fan-out under way');
    await end(id, owner.id, BroadcastEndReason.TAKEN_DOWN);
    await waitUntil(async () => (await counts(id)).done && (await p.sql('SELECT 1 FROM taken_down_broadcast WHERE broadcast_id = $1', [id])).length === 1, 5_000, 'the takedown applied');
    const after = await counts(id);
    expect(after.went_live).toBe(0);
    // Stopped in the middle: not every follower was reached, and nobody is after the takedown.
    expect(after.delivered).toBeLessThan(FOLLOWERS);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(await counts(id)).toEqual(after);

    // The same go-live again (a redelivery) starts nothing.
    const info = { broadcastId: id, ownerId: owner.id, title: 'Taken down soon', language: 'en', visibility: { audience: { case: 'public' as const, value: true } } };
    await p.publish(BroadcastWentLiveEvent, create(BroadcastWentLiveSchema, { broadcastId: id, info, sfuNodeId: 'node-test', startedAt: timestampNow() }));
    await new Promise((r) => setTimeout(r, 2_000));
    expect(await counts(id)).toEqual(after);
  }, 120_000);

  it("lets an owner's own end leave the go-live as it is", async () => {
    const owner = await ctx.newUser();
    const fan = await ctx.newUser();
    await p.call(p.graph.url, 'POST', `/v1/graph/follows/${owner.id}`, fan);
    const id = await p.goLive(owner, { title: 'Ended by its owner' });
    await p.waitForInbox(fan, (items) => items.some((i) => i.kind === 'went_live' && i.broadcastId === id), 'the go-live');
    await end(id, owner.id, BroadcastEndReason.OWNER);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(await p.sql('SELECT 1 FROM taken_down_broadcast WHERE broadcast_id = $1', [id])).toEqual([]);
    expect((await p.inbox(fan)).filter((i) => i.kind === 'went_live' && i.broadcastId === id)).toHaveLength(1);
  }, 60_000);
});
