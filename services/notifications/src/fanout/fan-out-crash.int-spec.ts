import { TestContext, waitUntil } from '@onair/testing';
import { randomUUID } from 'node:crypto';
import { startNotificationsPlatform, type NotificationsPlatform } from '../notifications.test-app.js';

const FOLLOWERS = 20_000;

// The pod fanning a go-live out is SIGKILLed in the middle (some chunks published, some
// delivered, a lease held); a new pod takes over after the lease runs out. Every follower ends
// up told exactly once: one row each, and one entry each in the hourly-cap bookkeeping (a
// chunk applied twice would count twice there).
describe('notifications: a fan-out that crashes halfway', () => {
  const ctx = TestContext.create('notif_crash');
  let p: NotificationsPlatform;
  afterAll(() => ctx.cleanup());

  it('loses no one and tells no one twice after a SIGKILL mid-fan-out', async () => {
    p = await startNotificationsPlatform(ctx, { NOTIFICATIONS_FANOUT_CHUNK: '50', NOTIFICATIONS_FANOUT_LEASE_SECONDS: '2' });
    const owner = { id: randomUUID() };
    const followers = await p.addFollowers(owner.id, FOLLOWERS);
    const id = await p.goLive(owner, { title: 'Crash course' });

    const progress = async () => (await p.sql<{ chunks: number; delivered: number }>(
      `SELECT (SELECT coalesce(max(chunks), 0) FROM fanout_job WHERE broadcast_id = $1) AS chunks,
              (SELECT count(*)::int FROM go_live_delivery WHERE broadcast_id = $1) AS delivered`,
      [id],
    ))[0];
    await waitUntil(async () => (await progress()).chunks >= 10, 30_000, 'the fan-out under way');
    p.pods[0].process.kill('SIGKILL');
    await new Promise((r) => p.pods[0].process.once('exit', r));
    const atCrash = await progress();
    // Killed in the middle: neither every chunk published nor every follower told.
    expect(atCrash.chunks).toBeLessThan(FOLLOWERS / 50);
    expect(atCrash.delivered).toBeLessThan(FOLLOWERS);

    await p.startPod();
    await waitUntil(async () => (await progress()).delivered === FOLLOWERS, 120_000, 'every follower told');
    await waitUntil(async () => (await p.sql('SELECT 1 FROM fanout_job WHERE broadcast_id = $1 AND done_at IS NOT NULL', [id])).length === 1, 30_000, 'the job done');
    const [counts] = await p.sql<{ rows: number; recipients: number; quota_entries: number; over_one: number }>(
      `SELECT (SELECT count(*)::int FROM notification WHERE kind = 'went_live' AND broadcast_id = $1) AS rows,
              (SELECT count(DISTINCT recipient_id)::int FROM notification WHERE kind = 'went_live' AND broadcast_id = $1) AS recipients,
              (SELECT coalesce(sum(cardinality(sent_at)), 0)::int FROM go_live_quota WHERE recipient_id = ANY($2::uuid[])) AS quota_entries,
              (SELECT count(*)::int FROM go_live_quota WHERE recipient_id = ANY($2::uuid[]) AND cardinality(sent_at) > 1) AS over_one`,
      [id, followers],
    );
    expect(counts).toEqual({ rows: FOLLOWERS, recipients: FOLLOWERS, quota_entries: FOLLOWERS, over_one: 0 });
    expect(await p.sql("SELECT 1 FROM notification WHERE kind = 'went_live_digest'")).toEqual([]);
  }, 240_000);
});
