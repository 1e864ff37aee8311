import { startTelemetry } from '@onair/telemetry';
import { TestContext, waitUntil } from '@onair/testing';
import { randomUUID } from 'node:crypto';
import { startSfuWorker, startTicketIssuer, type RunningSfu, type TicketIssuer } from '../sfu-worker.test-app.js';
import { plainViewer, publishSimulcast, type Layer, type SimulcastFeed } from './simulcast-feed.test-app.js';

startTelemetry({ serviceName: 'sfu-worker' });

const ONE_LAYER: Layer[] = [{ ssrc: 41111111, width: 160, height: 90, kbps: 300 }];
const SSRC = ONE_LAYER[0].ssrc;
const VIEWERS = 16;
const JOIN_GAP_MS = 150;
// The worker's key-frame budget (tools/infra/mediasoup-patches/keyframe-request-budget.patch).
const MIN_GAP_MS = 350;
const BURST = 3;
// Requests are what this spec counts: the worker's kept key frames (keyframe-cache.int-spec)
// would answer most joins here without one, the publisher keying every frame.
const NO_CACHE = { SFU_KEYFRAME_CACHE_MS: '0' };

/**
 * Every viewer that joins asks the publisher for a key frame. A publisher that answers each
 * at once (here: a key frame every frame) would otherwise send a key frame per join: a viral
 * broadcast would multiply its bitrate. The Producer's requests are spent from a budget: one
 * per SFU_KEYFRAME_REQUEST_DELAY_MS, up to 3 saved, at least 350 ms apart (an encoder ignores a
 * request that comes sooner after the one before). The same joins with the delay off show the
 * difference.
 */
describe('key-frame requests to the publisher', () => {
  const ctx = TestContext.create('sfu_keyframes');
  let issuer: TicketIssuer;

  beforeAll(async () => {
    issuer = await startTicketIssuer(ctx);
  });
  afterAll(() => ctx.cleanup());

  /** A live broadcast with one viewer who has had its key frame, then a quiet 1.5 s. */
  async function settledBroadcast(sfu: RunningSfu): Promise<{ broadcastId: string; feed: SimulcastFeed }> {
    const broadcastId = randomUUID();
    const feed = await publishSimulcast(ctx, sfu, await sfu.join(broadcastId, 'publish'), broadcastId, { layers: ONE_LAYER, keyFrameInterval: 1 });
    const first = await plainViewer(ctx, sfu, await sfu.join(broadcastId, 'consume'), broadcastId);
    await first.consume(feed.producerId);
    await waitUntil(() => first.keyFrames() > 0, 15_000, 'the first viewer receiving key frames');
    await new Promise((r) => setTimeout(r, 1500));
    return { broadcastId, feed };
  }

  async function joinOne(sfu: RunningSfu, broadcastId: string, feed: SimulcastFeed): Promise<void> {
    const viewer = await plainViewer(ctx, sfu, await sfu.join(broadcastId, 'consume'), broadcastId);
    await viewer.consume(feed.producerId);
  }

  /** VIEWERS join over about 2.4 s; the key-frame requests the publisher received meanwhile. */
  async function requestsForJoins(sfu: RunningSfu): Promise<{ times: number[]; seconds: number }> {
    const { broadcastId, feed } = await settledBroadcast(sfu);
    const before = feed.keyFrameRequests(SSRC);
    const startedAt = Date.now();
    for (let i = 0; i < VIEWERS; i++) {
      await joinOne(sfu, broadcastId, feed);
      await new Promise((r) => setTimeout(r, JOIN_GAP_MS));
    }
    await new Promise((r) => setTimeout(r, 300));
    return { times: feed.keyFrameRequestTimes(SSRC).slice(before), seconds: (Date.now() - startedAt) / 1000 };
  }

  it('forwards one key-frame request per SFU_KEYFRAME_REQUEST_DELAY_MS (bursts of 3, 350 ms apart), however many viewers join', async () => {
    const throttled = await requestsForJoins(await startSfuWorker(ctx, issuer, { ...NO_CACHE, SFU_KEYFRAME_REQUEST_DELAY_MS: '1000' }));
    const unthrottled = await requestsForJoins(await startSfuWorker(ctx, issuer, { ...NO_CACHE, SFU_KEYFRAME_REQUEST_DELAY_MS: '0' }));
    // The saved-up burst, then one per started second of joining.
    expect(throttled.times.length).toBeLessThanOrEqual(BURST + Math.ceil(throttled.seconds));
    const gaps = throttled.times.slice(1).map((t, i) => t - throttled.times[i]);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(MIN_GAP_MS - 20);
    // Without the delay, nearly every join reaches the publisher.
    expect(unthrottled.times.length).toBeGreaterThanOrEqual(VIEWERS * 0.75);
    expect(unthrottled.times.length).toBeGreaterThan(2 * throttled.times.length);
  }, 120_000);

  it('asks at once for a viewer who joins soon after another, while the budget lasts', async () => {
    // With one fixed delay per stream, the second viewer's request waited until 1000 ms after
    // the first one's.
    const sfu = await startSfuWorker(ctx, issuer, { ...NO_CACHE, SFU_KEYFRAME_REQUEST_DELAY_MS: '1000' });
    const { broadcastId, feed } = await settledBroadcast(sfu);
    const before = feed.keyFrameRequests(SSRC);
    await joinOne(sfu, broadcastId, feed);
    await waitUntil(() => feed.keyFrameRequests(SSRC) > before, 5000, "the first joiner's key-frame request");
    await new Promise((r) => setTimeout(r, 400));
    await joinOne(sfu, broadcastId, feed);
    await waitUntil(() => feed.keyFrameRequests(SSRC) > before + 1, 5000, "the second joiner's key-frame request");
    const [first, second] = feed.keyFrameRequestTimes(SSRC).slice(before);
    expect(second - first).toBeGreaterThanOrEqual(MIN_GAP_MS - 20);
    expect(second - first).toBeLessThan(800);
  }, 60_000);
});
