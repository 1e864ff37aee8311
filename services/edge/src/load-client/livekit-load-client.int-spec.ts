import { TestContext } from '@onair/testing';
import { expectAllReceiving, liveKitArgs, publishClip, runLoadClient, startLiveKit, type RunningLiveKit } from './load-client.test-app.js';

/**
 * The load client against a local LiveKit server v1.13.5 (the peer SFU of issue 18): the
 * client publishes its VP8 simulcast + Opus clip, then 5 subscribers join through LiveKit's own
 * signalling and each must receive RTP of both tracks, the video at 1280x720 (the top layer).
 */
describe('load client against LiveKit', () => {
  const ctx = TestContext.create('lc_livekit');
  let lk: RunningLiveKit;

  beforeAll(async () => {
    lk = await startLiveKit(ctx);
    await publishClip(ctx, 'livekit-publish', liveKitArgs(lk, 'load'));
  }, 60_000);

  afterAll(() => ctx.cleanup(), 30_000);

  it('5 subscribers all receive RTP from the published clip', async () => {
    const summary = await runLoadClient(ctx, 'livekit', [...liveKitArgs(lk, 'load'), '-n', '5', '-duration', '5s']);
    expectAllReceiving(summary, 5);
    expect(summary.lossPercent).toBeLessThan(1);
  }, 90_000);
});
