import { endOnPage, goLiveOnPage, launchChromium, signInOnPage, TestContext, waitForPageState, waitUntil, type PageGlobals } from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import type { Browser, Page } from 'playwright-core';
import { startWholePlatform } from './whole-platform.test-app.js';

startTelemetry({ serviceName: 'edge' });

// Known flaky when the CI machine runs every suite at once (2 cores), as the other e2e specs.
jest.retryTimes(1, { logErrorsBeforeRetry: true });

/** The watch page's <video>, as a function run in the page reads it. */
interface PlayerGlobals extends PageGlobals {
  document: PageGlobals['document'] & { querySelector(selector: '#player'): { currentTime: number } };
}

const segmentsOf = (playlist: string) => playlist.split('\n').filter((l) => l.endsWith('.ts'));

/**
 * The live HLS end to end, every service a real process behind the edge: the one SFU node's
 * Router takes 2 consumers, which the broadcast's recording holds, and it cannot grow (one
 * worker), so the tree has no room for a viewer: the SFU answers SFU.ROOM_FULL, placement has no
 * other node, and the watch page plays the recording's live playlist with hls.js instead, and
 * says so. When the broadcast ends the page says it ended, and the replay is the same segments.
 */
describe('a viewer the SFU answers ROOM_FULL watches over HLS, end to end', () => {
  const ctx = TestContext.create('e2e_live_hls');
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    ({ base } = await startWholePlatform(ctx, { sfuEnv: { SFU_MAX_CONSUMERS_PER_ROUTER: '2' } }));
    browser = await launchChromium(ctx);
  }, 240_000);
  afterAll(() => ctx.cleanup(), 120_000);

  const currentTime = (page: Page) => page.evaluate(() => (globalThis as unknown as PlayerGlobals).document.querySelector('#player').currentTime);

  it('plays the live HLS when the room is full, says so, and the live segments become the replay', async () => {
    const [ann, bob] = await Promise.all([ctx.newUser(), ctx.newUser()]);
    const [studio, viewer] = await Promise.all([1, 2].map(() => browser.newContext().then((c) => c.newPage())));
    const problems: string[] = [];
    viewer.on('pageerror', (e) => problems.push(e.message));
    const broadcastId = await goLiveOnPage(studio, base, ann, 'Harbour at full capacity');
    const get = (path: string) => fetch(`${base}/v1/broadcasts/${broadcastId}${path}`, { headers: bob.authHeader });

    // The recording runs (and fills the Router): its live playlist answers through the edge,
    // with the cache headers a CDN in front of the edge would go by.
    await waitUntil(async () => segmentsOf(await (await get('/live/index.m3u8')).text()).length >= 1, 30_000, 'a live segment');
    const res = await get('/live/index.m3u8');
    expect(res.headers.get('cache-control')).toBe('public, max-age=1');

    await viewer.goto(`${base}/watch/${broadcastId}`);
    await signInOnPage(viewer, bob);
    await waitForPageState(viewer, ['watching'], 60_000);
    expect(await viewer.evaluate(() => (globalThis as unknown as PageGlobals).document.body.dataset.transport)).toBe('hls');
    expect(await viewer.textContent('#status')).toBe('Watching over HLS: a few seconds behind live (the live video servers are full).');
    // The picture moves.
    const t0 = await currentTime(viewer);
    await viewer.waitForFunction((t) => (globalThis as unknown as PlayerGlobals).document.querySelector('#player').currentTime > t + 2, t0, { timeout: 20_000 });

    // The end: the page says so; the replay lists every segment the live playlist had.
    const lastLive = segmentsOf(await (await get('/live/index.m3u8')).text());
    await endOnPage(studio);
    await waitForPageState(viewer, ['ended'], 30_000);
    expect(await viewer.textContent('#broadcast-over')).toContain('Broadcast ended.');
    expect((await get('/live/index.m3u8')).status).toBe(410);
    await waitUntil(async () => (await get('/replay/index.m3u8')).status === 200, 60_000, 'the replay');
    const replay = segmentsOf(await (await get('/replay/index.m3u8')).text());
    expect(replay.slice(0, lastLive.length)).toEqual(lastLive);
    await viewer.waitForSelector('#replay-link', { timeout: 30_000 });
    expect(problems).toEqual([]);
  }, 240_000);
});
