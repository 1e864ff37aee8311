import { startTelemetry } from '@onair/telemetry';
import { TestContext, waitUntil } from '@onair/testing';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { startSfuWorker, startTicketIssuer, type RunningSfu, type TicketIssuer } from '../sfu-worker.test-app.js';
import { plainViewer, publishSimulcast, type Layer, type SimulcastFeed } from './simulcast-feed.test-app.js';

startTelemetry({ serviceName: 'sfu-worker' });

const LAYER: Layer[] = [{ ssrc: 42222222, width: 320, height: 180, kbps: 300 }];
const SSRC = LAYER[0].ssrc;
// A key frame every 3 s (30 fps), and none on request: like an encoder asked a moment ago
// (libwebrtc ignores requests within 300 ms of the last), which is when viewers join together.
const KEY_FRAME_INTERVAL = 90;

type Viewer = Awaited<ReturnType<typeof plainViewer>>;

/**
 * The worker patch (tools/infra/mediasoup-patches/keyframe-cache.patch) keeps each stream's
 * packets from its last key frame on while that key frame is younger than
 * SFU_KEYFRAME_CACHE_MS. A viewer who starts then is sent them at once; otherwise it asks the
 * publisher and waits for its next key frame.
 */
describe('key frames kept for viewers who start', () => {
  const ctx = TestContext.create('sfu_keyframe_cache');
  let issuer: TicketIssuer;

  beforeAll(async () => {
    issuer = await startTicketIssuer(ctx);
  });
  afterAll(() => ctx.cleanup());

  /** A live broadcast and a viewer, returned right after the viewer's second key frame (a live one). */
  async function rightAfterKeyFrame(sfu: RunningSfu): Promise<{ broadcastId: string; feed: SimulcastFeed; first: Viewer }> {
    const broadcastId = randomUUID();
    const feed = await publishSimulcast(ctx, sfu, await sfu.join(broadcastId, 'publish'), broadcastId, { layers: LAYER, keyFrameInterval: KEY_FRAME_INTERVAL });
    const first = await plainViewer(ctx, sfu, await sfu.join(broadcastId, 'consume'), broadcastId);
    await first.consume(feed.producerId);
    await waitUntil(() => first.keyFrames() >= 2, 15_000, 'the first viewer receiving two key frames');
    return { broadcastId, feed, first };
  }

  async function joinViewer(sfu: RunningSfu, broadcastId: string, feed: SimulcastFeed): Promise<{ viewer: Viewer; consumedAt: number }> {
    const viewer = await plainViewer(ctx, sfu, await sfu.join(broadcastId, 'consume'), broadcastId);
    const consumedAt = performance.now();
    await viewer.consume(feed.producerId);
    return { viewer, consumedAt };
  }

  it('starts a viewer who joins soon after a key frame from that key frame, without asking the publisher', async () => {
    const sfu = await startSfuWorker(ctx, issuer, { SFU_KEYFRAME_CACHE_MS: '1500' });
    const { broadcastId, feed, first } = await rightAfterKeyFrame(sfu);
    const keyFramesSent = first.keyFrames();
    const requests = feed.keyFrameRequests(SSRC);

    const { viewer: second, consumedAt } = await joinViewer(sfu, broadcastId, feed);
    await waitUntil(() => second.keyFrames() > 0, 2500, "the second viewer's first key frame");

    // The kept one: the publisher sent no key frame since (the first viewer saw none), and was
    // not asked for one; the next is up to 3 s away.
    expect(first.keyFrames()).toBe(keyFramesSent);
    expect(feed.keyFrameRequests(SSRC)).toBe(requests);
    expect(second.keyFrameTimes()[0] - consumedAt).toBeLessThan(1500);
    expect(second.lastKeyFrameSize()).toEqual({ width: 320, height: 180 });
    // Then the frames that followed it and the live ones, without a key frame in between.
    const packets = second.packets();
    await sleep(600);
    expect(second.packets()).toBeGreaterThan(packets + 10);
    expect(second.keyFrames()).toBe(1 + first.keyFrames() - keyFramesSent);

    // Once started, a viewer that asks again (its decoder lost packets) is not sent the kept key
    // frame, older than what it has shown: the publisher is asked.
    const asked = feed.keyFrameRequests(SSRC);
    second.requestKeyFrame();
    await waitUntil(() => feed.keyFrameRequests(SSRC) > asked, 3000, "the started viewer's request reaching the publisher");
    await sleep(200);
    expect(second.keyFrames()).toBe(1 + first.keyFrames() - keyFramesSent);
  }, 60_000);

  it.each([
    { cacheMs: '300', joinAfterMs: 900, why: 'a key frame older than SFU_KEYFRAME_CACHE_MS' },
    { cacheMs: '0', joinAfterMs: 0, why: 'SFU_KEYFRAME_CACHE_MS 0' },
  ])('asks the publisher and waits for its next key frame after $why', async ({ cacheMs, joinAfterMs }) => {
    const sfu = await startSfuWorker(ctx, issuer, { SFU_KEYFRAME_CACHE_MS: cacheMs });
    const { broadcastId, feed, first } = await rightAfterKeyFrame(sfu);
    await sleep(joinAfterMs);
    const keyFramesSent = first.keyFrames();
    const requests = feed.keyFrameRequests(SSRC);

    const { viewer: second } = await joinViewer(sfu, broadcastId, feed);
    await waitUntil(() => feed.keyFrameRequests(SSRC) > requests, 3000, 'a key-frame request to the publisher');
    await waitUntil(() => second.keyFrames() > 0, 6000, "the second viewer's first key frame");

    // Its first key frame is the publisher's next one, which the first viewer got too.
    expect(first.keyFrames()).toBeGreaterThan(keyFramesSent);
    expect(second.keyFrameTimes()[0]).toBeGreaterThanOrEqual(first.keyFrameTimes()[keyFramesSent] - 50);
  }, 60_000);
});
