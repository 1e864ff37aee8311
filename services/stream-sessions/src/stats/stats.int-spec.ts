import { BroadcastStatsUpdatedEvent } from '@onair/contracts';
import { EventCollector, json, TestContext, waitUntil, type TestUser } from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import { FakeSfu, httpClient, newBroadcast, startPlatform } from '../stream-sessions.test-app.js';

startTelemetry({ serviceName: 'stream-sessions' });

const INTERVAL_SECONDS = 2;
// Long enough that node-b stays fresh while a loaded machine works through the burst below.
const STALE_SECONDS = 8;

describe('live stats: summed across SFU nodes, peak kept, published at most every few seconds', () => {
  const ctx = TestContext.create('ss_stats');
  let call: ReturnType<typeof httpClient>;
  let sfu: FakeSfu;
  let stats: EventCollector<typeof BroadcastStatsUpdatedEvent.schema>;
  let ann: TestUser;

  beforeAll(async () => {
    const platform = await startPlatform(ctx, {
      STATS_INTERVAL_SECONDS: String(INTERVAL_SECONDS),
      AUDIENCE_STALE_SECONDS: String(STALE_SECONDS),
    });
    call = httpClient(platform.sessions.url);
    sfu = await FakeSfu.connect(ctx);
    stats = await EventCollector.start(ctx, BroadcastStatsUpdatedEvent);
    ann = await ctx.newUser();
  });
  afterAll(() => ctx.cleanup());

  const get = async (id: string) => json(await call('GET', `/v1/broadcasts/${id}`, ann));
  const published = (id: string) => stats.events.filter((e) => e.message.broadcastId === id).map((e) => e.message);

  it('aggregates reports of several nodes, keeps the peak and throttles publication', async () => {
    const b = await json(await call('POST', '/v1/broadcasts', ann, newBroadcast()));
    await sfu.joined(b.id, 'node-a', ann.id);
    await waitUntil(async () => (await get(b.id)).state === 'live', 20_000, 'live');

    const started = Date.now();
    // 30 reports in a burst: the viewers of node-a climb to 30 and fall back to 10; node-b holds 5.
    await sfu.audience(b.id, 'node-b', 5);
    for (let i = 1; i <= 30; i++) await sfu.audience(b.id, 'node-a', i);
    for (let i = 29; i >= 10; i--) await sfu.audience(b.id, 'node-a', i);
    // viewersNow is also 15 on the way up (node-a at 10): wait for the last report's state.
    await waitUntil(async () => (await get(b.id)).stats.viewersPeak === 35, 20_000, 'the peak of 35');
    await waitUntil(async () => (await get(b.id)).stats.viewersNow === 15, 20_000, 'viewers now 15');
    expect((await get(b.id)).stats).toEqual({ viewersNow: 15, viewersPeak: 35, heartsTotal: 0 });

    // The last state reaches discovery...
    await waitUntil(() => published(b.id).some((m) => m.viewersNow === 15 && m.viewersPeak === 35), 20_000, 'final stats event');
    const elapsed = (Date.now() - started) / 1000;
    const events = published(b.id);
    // ...in a handful of events, never one per report (51 reports).
    expect(events.length).toBeLessThanOrEqual(Math.ceil(elapsed / INTERVAL_SECONDS) + 1);
    expect(events.length).toBeLessThan(10);
    expect(events[events.length - 1]).toMatchObject({ viewersNow: 15, viewersPeak: 35, heartsTotal: 0n });
    expect(stats.events.find((e) => e.message.broadcastId === b.id)!.key).toBe(b.id);
  });

  it('stops counting a node that went quiet, and publishes the drop', async () => {
    const b = await json(await call('POST', '/v1/broadcasts', ann, newBroadcast()));
    await sfu.joined(b.id, 'node-a', ann.id);
    await waitUntil(async () => (await get(b.id)).state === 'live', 20_000, 'live');
    await sfu.audience(b.id, 'node-a', 4);
    await sfu.audience(b.id, 'node-b', 6);
    await waitUntil(async () => (await get(b.id)).stats.viewersNow === 10, 20_000, 'viewers now 10');
    // node-b's last viewer left: it stops reporting. node-a keeps reporting.
    const until = Date.now() + (STALE_SECONDS + 2) * 1000;
    while (Date.now() < until) {
      await sfu.audience(b.id, 'node-a', 4);
      await new Promise((r) => setTimeout(r, 1000));
    }
    await waitUntil(async () => (await get(b.id)).stats.viewersNow === 4, 20_000, 'viewers now 4');
    expect((await get(b.id)).stats.viewersPeak).toBe(10);
    await waitUntil(() => published(b.id).some((m) => m.viewersNow === 4 && m.viewersPeak === 10), 20_000, 'the drop published');
  });
});
