import type { INestApplication } from '@nestjs/common';
import { expectNoSeriousA11yViolations, json, launchChromium, pauseReplayAt, repoRoot, signInOnPage, TestContext, waitUntil, type ReplayVideoGlobals as VideoGlobals, type TestUser } from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { loadConfig } from '../config.js';
import { createEdgeApp } from '../edge-app.js';
import { startReplayPlatform, type ReplayPlatform } from './replay-platform.test-app.js';

startTelemetry({ serviceName: 'edge' });

/** The build to serve: this checkout's (the edge's default) unless a test run names another. */
const WEB_ROOT = process.env.ONAIR_TEST_WEB_ROOT || join(repoRoot, 'services/web/dist');
/** Screenshots of the replay at a phone's and a desktop's size, for a person to look at. */
const OUTPUT = join(repoRoot, '.onair/test-output/replays.chromium');
const LIVE_LINE = 'hello from the live part';
const RECORDING_SECONDS = 10;

// A replay in real headless Chromium, under the edge's CSP, in front of the real identity,
// stream-sessions and chat: the recording plays through hls.js, the chat follows the playhead.
describe('replays in Chromium', () => {
  const ctx = TestContext.create('edge_web_replays');
  let platform: ReplayPlatform;
  let app: INestApplication;
  let base: string;
  let ann: TestUser, bob: TestUser;
  let broadcastId: string;
  /** When bob's line was said, in ms since the go-live, as chat archived it. */
  let lineOffsetMs: number;
  afterAll(async () => {
    await ctx.cleanup();
    await app?.close();
  });

  beforeAll(async () => {
    mkdirSync(OUTPUT, { recursive: true });
    platform = await startReplayPlatform(ctx);
    app = await createEdgeApp(
      loadConfig({
        LOG_LEVEL: 'error',
        EDGE_WEB_ROOT: WEB_ROOT,
        EDGE_SERVICES: platform.services,
        EDGE_ROUTES: '/v1/accounts=identity,/v1/sessions=identity,/v1/users=identity,/v1/graph=social-graph,/v1/broadcasts=stream-sessions,/v1/chat=chat',
      }),
    );
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
    [ann, bob] = await Promise.all([ctx.newUser(), ctx.newUser()]);
    broadcastId = await platform.goLive(ann, 'Sunset over the harbour');
    // Some seconds into the broadcast, so that the replay starts before the line.
    await new Promise((r) => setTimeout(r, 3000));
    await platform.say(bob, broadcastId, LIVE_LINE);
    await platform.endWithRecording(ann, broadcastId, RECORDING_SECONDS);
    const { ticket } = await json(await platform.call('POST', `/v1/broadcasts/${broadcastId}/tickets`, ann, { role: 'chat' }));
    await waitUntil(
      async () => {
        const { items } = await json(await platform.call('GET', `/v1/chat/broadcasts/${broadcastId}/replay?ticket=${ticket}`, ann));
        lineOffsetMs = items?.find((i: { text: string }) => i.text === LIVE_LINE)?.offsetMs;
        return lineOffsetMs !== undefined;
      },
      20_000,
      'the chat archive to hold the line',
    );
    expect(lineOffsetMs).toBeGreaterThan(2000);
    expect(lineOffsetMs).toBeLessThan(RECORDING_SECONDS * 1000 - 2000);
  }, 180_000);

  /** A fresh page that records script errors and CSP violations. */
  async function newPage() {
    const browser = await launchChromium(ctx);
    const page = await (await browser.newContext({ viewport: { width: 1280, height: 800 } })).newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => /Content Security Policy/i.test(m.text()) && problems.push(m.text()));
    return { page, problems };
  }

  const currentTime = (page: Page) => page.evaluate(() => (globalThis as unknown as VideoGlobals).document.querySelector('#replay-player').currentTime);
  const lineShown = (page: Page) => page.locator('#messages li', { hasText: LIVE_LINE }).count();

  it('lists one’s replays, plays one with its chat in step with the playhead, seeking included', async () => {
    const { page, problems } = await newPage();
    await page.goto(`${base}/replays`);
    await signInOnPage(page, { handle: ann.handle, password: ann.password });
    const link = page.locator(`#replay-list a[data-broadcast-id="${broadcastId}"]`);
    await link.waitFor();
    expect(await link.textContent()).toBe('Sunset over the harbour');
    // The default TTL is 24 h after the end, which was moments ago.
    expect(await page.locator(`#replay-list li:has(a[data-broadcast-id="${broadcastId}"])`).textContent()).toMatch(/Expires in 23 h 5\d min/);
    await page.screenshot({ path: join(OUTPUT, 'replays-1280x800-list.png') });
    await expectNoSeriousA11yViolations(page, 'replays');

    await link.click();
    await page.waitForURL(`${base}/replays/${broadcastId}`);
    expect(await page.title()).toBe('Replay · OnAir');
    await page.waitForSelector('#replay-expires:text-matches("Expires in 23 h 5\\\\d min")');
    expect(await page.getAttribute('#replay-player', 'aria-label')).toBe('Replay of Sunset over the harbour');

    // It plays: the playhead moves on its own.
    await page.waitForFunction(() => (globalThis as unknown as VideoGlobals).document.querySelector('#replay-player').currentTime > 0.5, undefined, { timeout: 30_000 });
    const first = await currentTime(page);
    await page.waitForFunction((t) => (globalThis as unknown as VideoGlobals).document.querySelector('#replay-player').currentTime > t + 0.5, first, { timeout: 10_000 });

    // Before the line's moment it is not shown; playing past it shows it.
    await pauseReplayAt(page, 0.5);
    await page.waitForSelector('#chat h2:text("Chat replay")');
    expect(await lineShown(page)).toBe(0);
    await page.evaluate(() => (globalThis as unknown as VideoGlobals).document.querySelector('#replay-player').play());
    await page.waitForFunction((ms) => (globalThis as unknown as VideoGlobals).document.querySelector('#replay-player').currentTime * 1000 > ms + 300, lineOffsetMs, { timeout: 20_000 });
    await page.locator('#messages li', { hasText: LIVE_LINE }).waitFor();
    expect(await page.locator('#messages li', { hasText: LIVE_LINE }).locator('b').textContent()).toBe(bob.handle);
    await page.screenshot({ path: join(OUTPUT, 'replay-1280x800.png') });
    await expectNoSeriousA11yViolations(page, 'replay');

    // Seeking back takes the line away again; forward brings it back.
    await pauseReplayAt(page, 0.5);
    await waitUntil(async () => (await lineShown(page)) === 0, 5000, 'the line gone after seeking back');
    await pauseReplayAt(page, lineOffsetMs / 1000 + 1);
    await page.locator('#messages li', { hasText: LIVE_LINE }).waitFor();

    await page.setViewportSize({ width: 360, height: 740 });
    // Nothing wider than the phone's screen.
    expect(await page.evaluate(() => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await page.screenshot({ path: join(OUTPUT, 'replay-360x740.png'), fullPage: true });
    expect(problems).toEqual([]);
  }, 90_000);

  it('says in words when there is no such replay', async () => {
    // The expired case needs a short REPLAY_TTL_SECONDS, which the 24 h countdown above cannot
    // share: here the API's refusal in words for an unknown broadcast, and no player.
    const { page, problems } = await newPage();
    await page.goto(`${base}/replays/00000000-0000-4000-8000-000000000000`);
    await signInOnPage(page, { handle: ann.handle, password: ann.password });
    await page.waitForSelector('#replay-problem:text("This broadcast does not exist.")');
    expect(await page.locator('#replay-player').count()).toBe(0);
    expect(problems).toEqual([]);
  }, 60_000);
});
