import { startTelemetry } from '@onair/telemetry';
import { TestContext, waitUntil } from '@onair/testing';
import { randomUUID } from 'node:crypto';
import { startSfuWorker, startTicketIssuer, type RunningSfu, type TicketIssuer } from '../sfu-worker.test-app.js';
import { plainViewer, publishSimulcast, type Layer } from './simulcast-feed.test-app.js';

startTelemetry({ serviceName: 'sfu-worker' });

const ONE_LAYER: Layer[] = [{ ssrc: 41111111, width: 160, height: 90, kbps: 300 }];
const VIEWERS = 16;
const JOIN_GAP_MS = 150;

/**
 * Every viewer that joins asks the publisher for a key frame. A publisher that answers each
 * at once (here: a key frame every frame) would otherwise send a key frame per join: a viral
 * broadcast would multiply its bitrate. The Producer forwards at most one request per
 * SFU_KEYFRAME_REQUEST_DELAY_MS; the same joins with the delay off show the difference.
 */
describe('key-frame requests to the publisher', () => {
  const ctx = TestContext.create('sfu_keyframes');
  let issuer: TicketIssuer;

  beforeAll(async () => {
    issuer = await startTicketIssuer(ctx);
  });
  afterAll(() => ctx.cleanup());

  /** VIEWERS join over about 2.4 s; the key-frame requests the publisher received meanwhile. */
  async function requestsForJoins(sfu: RunningSfu): Promise<{ requests: number; seconds: number }> {
    const broadcastId = randomUUID();
    const feed = await publishSimulcast(ctx, sfu, await sfu.join(broadcastId, 'publish'), broadcastId, { layers: ONE_LAYER, keyFrameInterval: 1 });
    // The first viewer, with its own key-frame request, is let in and settled before counting.
    const first = await plainViewer(ctx, sfu, await sfu.join(broadcastId, 'consume'), broadcastId);
    await first.consume(feed.producerId);
    await waitUntil(() => first.keyFrames() > 0, 15_000, 'the first viewer receiving key frames');
    await new Promise((r) => setTimeout(r, 1500));
    const before = feed.keyFrameRequests(ONE_LAYER[0].ssrc);
    const startedAt = Date.now();
    for (let i = 0; i < VIEWERS; i++) {
      const viewer = await plainViewer(ctx, sfu, await sfu.join(broadcastId, 'consume'), broadcastId);
      await viewer.consume(feed.producerId);
      await new Promise((r) => setTimeout(r, JOIN_GAP_MS));
    }
    await new Promise((r) => setTimeout(r, 300));
    return { requests: feed.keyFrameRequests(ONE_LAYER[0].ssrc) - before, seconds: (Date.now() - startedAt) / 1000 };
  }

  it('forwards at most one key-frame request per SFU_KEYFRAME_REQUEST_DELAY_MS, however many viewers join', async () => {
    const throttled = await requestsForJoins(await startSfuWorker(ctx, issuer, { SFU_KEYFRAME_REQUEST_DELAY_MS: '1000' }));
    const unthrottled = await requestsForJoins(await startSfuWorker(ctx, issuer, { SFU_KEYFRAME_REQUEST_DELAY_MS: '0' }));
    // One per started second of joining, plus the one that was pending when counting began.
    expect(throttled.requests).toBeLessThanOrEqual(Math.ceil(throttled.seconds) + 2);
    // Without the delay, nearly every join reaches the publisher.
    expect(unthrottled.requests).toBeGreaterThanOrEqual(VIEWERS * 0.75);
    expect(unthrottled.requests).toBeGreaterThan(2 * throttled.requests);
  }, 120_000);
});
