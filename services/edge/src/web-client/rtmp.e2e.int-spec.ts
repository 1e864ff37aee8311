import { launchChromium, signInOnPage, TestContext, waitForPageState, waitUntil, type TestUser } from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import { spawn, type ChildProcess } from 'node:child_process';
import type { Browser } from 'playwright-core';
import { expectGrowingFrames, pictureStopsWithin } from './growing-frames.test-app.js';
import { startWholePlatform } from './whole-platform.test-app.js';

startTelemetry({ serviceName: 'edge' });

// Known flaky when the CI machine runs every suite at once (2 cores), as the other e2e specs.
jest.retryTimes(1, { logErrorsBeforeRetry: true });

/** An encoder pushing RTMP: a 640x360 test pattern (x264 Constrained Baseline, 1 s GOP) and AAC. */
function pushRtmp(ffmpegBin: string, url: string): ChildProcess {
  return spawn(
    ffmpegBin,
    [
      '-hide_banner', '-loglevel', 'error', '-nostdin', '-re',
      '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
      '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-profile:v', 'baseline', '-pix_fmt', 'yuv420p', '-g', '30',
      '-c:a', 'aac', '-f', 'flv', url,
    ],
    { stdio: 'ignore' },
  );
}

/** The exit code if the process ends within `ms` (an encoder refused at connect ends at once), else undefined. */
async function exitWithin(child: ChildProcess, ms: number): Promise<number | null | undefined> {
  if (child.exitCode !== null) return child.exitCode;
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
}

/**
 * RTMP ingest end to end, every service a real process behind the edge: ann creates a broadcast
 * for an encoder on the go-live page, which shows the RTMP server and the stream key; ffmpeg
 * pushes RTMP to the SFU node's listener with them (the node asks stream-sessions for the key,
 * then publishes through its own plain-publish endpoint) and the broadcast goes live; bob
 * decodes frames on the ordinary watch page. A wrong key and, after a rotation on the page, the
 * old key are refused at connect (ffmpeg ends at once, non-zero); stopping ffmpeg ends the publisher.
 */
describe('going live from an encoder over RTMP, end to end', () => {
  const ctx = TestContext.create('e2e_rtmp');
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    ({ base } = await startWholePlatform(ctx));
    browser = await launchChromium(ctx);
  }, 240_000);
  afterAll(() => ctx.cleanup(), 120_000);

  const ffmpegBin = () => ctx.infra.ffmpegBin ?? '/usr/bin/ffmpeg';
  const push = (url: string) => {
    const child = pushRtmp(ffmpegBin(), url);
    ctx.onCleanup(async () => child.kill('SIGKILL'));
    return child;
  };
  const newPage = async () => (await browser.newContext()).newPage();
  const stateOf = async (id: string, owner: TestUser) => ((await (await fetch(`${base}/v1/broadcasts/${id}`, { headers: owner.authHeader })).json()) as { state: string }).state;

  it('publishes with the RTMP server and key shown on the go-live page, is watched, refuses wrong and rotated keys at connect, and ends when the encoder stops', async () => {
    const [ann, bob] = await Promise.all([ctx.newUser(), ctx.newUser()]);
    const [studio, viewer] = await Promise.all([newPage(), newPage()]);

    await studio.goto(`${base}/broadcast`);
    await signInOnPage(studio, ann);
    await studio.waitForSelector('#golive-encoder:enabled');
    await studio.fill('#title', 'Live over RTMP');
    await studio.click('#golive-encoder');
    await studio.waitForSelector('#show-stream-key');
    const broadcastId = (await studio.evaluate('document.body.dataset.broadcastId')) as string;
    const rtmpUrl = await studio.inputValue('#rtmp-url');
    expect(rtmpUrl).toMatch(/^rtmp:\/\/127\.0\.0\.1:\d+\/live$/);
    await studio.click('#show-stream-key');
    const firstKey = await studio.inputValue('#stream-key');
    expect(firstKey).toMatch(/^osk_/);

    // A wrong key: refused at publish, before any media; nothing goes live.
    const wrongStarted = Date.now();
    expect(await exitWithin(push(`${rtmpUrl}/${firstKey.slice(0, -2)}xx`), 10_000)).not.toBe(0);
    expect(Date.now() - wrongStarted).toBeLessThan(5000);
    expect(await stateOf(broadcastId, ann)).toBe('created');

    // Until stream-sessions has heard of the SFU node (it reports every second), a publish is
    // refused (NetStream.Publish.Failed, SFU unavailable): push again, as encoders retry.
    let encoder = push(`${rtmpUrl}/${firstKey}`);
    for (let attempt = 0; (await exitWithin(encoder, 3000)) !== undefined && attempt < 20; attempt++) encoder = push(`${rtmpUrl}/${firstKey}`);
    expect(encoder.exitCode).toBeNull();
    await waitUntil(async () => (await stateOf(broadcastId, ann)) === 'live', 30_000, 'the broadcast live');
    await studio.waitForSelector('#encoder-status:has-text("Live from the encoder")');

    await viewer.goto(`${base}/watch/${broadcastId}`);
    await signInOnPage(viewer, bob);
    await waitForPageState(viewer, ['watching']);
    await expectGrowingFrames(viewer);

    // Rotating on the page: the old key is refused at connect at once; the running push goes on.
    await studio.click('#rotate-stream-key');
    await waitUntil(async () => (await studio.inputValue('#stream-key')) !== firstKey, 15_000, 'a new key on the page');
    const staleStarted = Date.now();
    expect(await exitWithin(push(`${rtmpUrl}/${firstKey}`), 10_000)).not.toBe(0);
    expect(Date.now() - staleStarted).toBeLessThan(5000);
    expect(encoder.exitCode).toBeNull();
    await expectGrowingFrames(viewer);

    // The encoder stops: its connection closes, the node's session ends, the picture stops.
    encoder.kill('SIGTERM');
    expect(await pictureStopsWithin(viewer, 20_000)).toBe(true);
  });
});
