import type { INestApplication } from '@nestjs/common';
import { expectNoSeriousA11yViolations, launchChromium, repoRoot, signInOnPage, TestContext, waitUntil, type TestUser } from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { loadConfig } from '../config.js';
import { createEdgeApp } from '../edge-app.js';
import { startDiscoveryPlatform, type DiscoveryPlatform } from './discovery-platform.test-app.js';

startTelemetry({ serviceName: 'edge' });

/** The build to serve: this checkout's (the edge's default) unless a test run names another. */
const WEB_ROOT = process.env.ONAIR_TEST_WEB_ROOT || join(repoRoot, 'services/web/dist');
/** Screenshots of the map at a phone's and a desktop's size, for a person to look at. */
const OUTPUT = join(repoRoot, '.onair/test-output/map-chromium');

const PARIS = { lat: 48.8566, lon: 2.3522 };
/** About 1.2 km from PARIS: one cluster seen from afar, two markers up close. */
const MARAIS = { lat: 48.8606, lon: 2.3376 };
const TOKYO = { lat: 35.6762, lon: 139.6503 };

/** What the polled check reads in the page (the edge's code is typed for Node, not the DOM). */
interface MapGlobals {
  document: { querySelector(selector: string): { getAttribute(name: string): string | null } | null };
}

// The world map and following pages in real headless Chromium, under the edge's CSP, in front
// of the real identity, social-graph and discovery (on Elasticsearch).
describe('the world map and following in Chromium', () => {
  const ctx = TestContext.create('edge_web_map');
  let platform: DiscoveryPlatform;
  let app: INestApplication;
  let base: string;
  let broadcaster: TestUser;
  let viewer: TestUser;
  const live: Record<'paris' | 'marais' | 'tokyo', string> = { paris: '', marais: '', tokyo: '' };
  afterAll(async () => {
    await ctx.cleanup();
    await app?.close();
  });

  beforeAll(async () => {
    mkdirSync(OUTPUT, { recursive: true });
    platform = await startDiscoveryPlatform(ctx);
    app = await createEdgeApp(
      loadConfig({
        LOG_LEVEL: 'error',
        EDGE_WEB_ROOT: WEB_ROOT,
        EDGE_SERVICES: `identity=${platform.identity},discovery=${platform.discovery.url}`,
        EDGE_ROUTES: '/v1/accounts=identity,/v1/sessions=identity,/v1/users=identity,/v1/discovery=discovery',
      }),
    );
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
    broadcaster = await ctx.newUser();
    viewer = await ctx.newUser();
    live.paris = await platform.goLive(broadcaster, { title: 'Jazz by the Seine', topics: ['music'], location: PARIS });
    live.marais = await platform.goLive(broadcaster, { title: 'Walking the Marais', topics: ['travel'], location: MARAIS });
    live.tokyo = await platform.goLive(broadcaster, { title: 'Shibuya crossing at night', topics: ['travel'], location: TOKYO });
    const followed = await fetch(`${platform.graph.url}/v1/graph/follows/${broadcaster.id}`, { method: 'POST', headers: viewer.authHeader });
    expect(followed.status).toBe(201);
    // Discovery indexes go-lives within a moment of their events; the pages should not wait on that.
    await waitUntil(
      async () => {
        const res = await fetch(`${platform.discovery.url}/v1/discovery/search?topic=travel`, { headers: viewer.authHeader });
        return res.ok && ((await res.json()) as { items: unknown[] }).items.length === 2;
      },
      20_000,
      'the broadcasts in discovery',
    );
  }, 180_000);

  /** A fresh page (at Paris, for "near me") that records script errors and CSP violations. */
  async function newPage() {
    const browser = await launchChromium(ctx);
    const context = await browser.newContext({ geolocation: { latitude: 48.85, longitude: 2.35 }, permissions: ['geolocation'], viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => /Content Security Policy/i.test(m.text()) && problems.push(m.text()));
    return { page, problems };
  }

  /** Waits until the map has the answer to its latest view (nothing asked or on the way). */
  const mapSettled = (page: Page) => page.waitForSelector('#world-map[aria-busy="false"]');

  it('draws the world, clusters close broadcasts, splits them as it zooms, finds by topic and near me, teleports', async () => {
    const { page, problems } = await newPage();
    await page.goto(`${base}/map`);
    await signInOnPage(page, { handle: viewer.handle, password: viewer.password });
    await page.waitForSelector('#world-map path.land');
    expect(await page.locator('#world-map path').count()).toBeGreaterThan(0);
    expect(await page.title()).toBe('World map · OnAir');

    // The whole world: the two Paris broadcasts are one cluster of 2, Tokyo a marker of its own.
    await page.waitForSelector('#world-map .map-cluster[data-count="2"]');
    await page.waitForSelector(`#world-map .map-marker[data-broadcast-id="${live.tokyo}"]`);
    await page.waitForSelector('#in-view-list :text("2 broadcasts around")');
    await mapSettled(page);
    await expectNoSeriousA11yViolations(page, 'map');

    // Clicking the cluster zooms into it, until it is two markers.
    const markers = page.locator(`#world-map .map-marker[data-broadcast-id="${live.paris}"], #world-map .map-marker[data-broadcast-id="${live.marais}"]`);
    for (let clicks = 0; (await markers.count()) < 2; clicks++) {
      if (clicks > 8) throw new Error(`the cluster did not split; zoom ${await page.getAttribute('#world-map', 'data-zoom')}`);
      const zoom = Number(await page.getAttribute('#world-map', 'data-zoom'));
      await page.click('#world-map .map-cluster[data-count="2"]');
      await page.waitForSelector(`#world-map[aria-busy="false"]:not([data-zoom="${zoom}"])`);
    }
    expect(await page.locator('#world-map .map-cluster').count()).toBe(0);
    await page.screenshot({ path: join(OUTPUT, 'map-1280x800-paris.png') });

    // The zoom buttons and the keyboard move the map too.
    const zoomBefore = Number(await page.getAttribute('#world-map', 'data-zoom'));
    await page.click('button[aria-label="Zoom out"]');
    await page.waitForSelector(`#world-map[aria-busy="false"][data-zoom="${zoomBefore - 1}"]`);
    await page.focus('#world-map');
    await page.keyboard.press('+');
    await page.waitForSelector(`#world-map[aria-busy="false"][data-zoom="${zoomBefore}"]`);

    // A topic chip asks discovery by topic.
    await page.click('button[data-topic="music"]');
    await page.waitForSelector(`#finder-results-heading:text("Live in #music")`);
    expect(await page.locator('#finder-results a[data-broadcast-id]').evaluateAll((links) => links.map((a) => a.getAttribute('data-broadcast-id')))).toEqual([live.paris]);

    // Near me: the browser's position (granted to this context, in Paris), 50 km around.
    await page.click('#near-me');
    await page.waitForSelector('#finder-results-heading:text("Live near you")');
    const near = await page.locator('#finder-results a[data-broadcast-id]').evaluateAll((links) => links.map((a) => a.getAttribute('data-broadcast-id')));
    expect(near.sort()).toEqual([live.paris, live.marais].sort());

    // Words, with a typo.
    await page.fill('#map-search', 'shibuya crosing');
    await page.press('#map-search', 'Enter');
    await page.waitForSelector(`#finder-results a[data-broadcast-id="${live.tokyo}"]`);

    // The phone's size and the desktop's, whole world, for the record.
    await page.goto(`${base}/map`);
    await mapSettled(page);
    await page.waitForSelector('#world-map .map-cluster[data-count="2"]');
    await page.screenshot({ path: join(OUTPUT, 'map-1280x800.png'), fullPage: true });
    await page.setViewportSize({ width: 360, height: 740 });
    // A function, not a string: the client's CSP (no 'unsafe-eval') refuses a polled string.
    await page.waitForFunction(() => Number((globalThis as unknown as MapGlobals).document.querySelector('#world-map')?.getAttribute('width')) < 360);
    await mapSettled(page);
    await page.screenshot({ path: join(OUTPUT, 'map-360x740.png'), fullPage: true });
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(360);

    // Teleport: one of the live broadcasts, at random.
    await page.click('#teleport');
    await page.waitForURL(/\/watch\//);
    expect(Object.values(live)).toContain(new URL(page.url()).pathname.split('/')[2]);
    expect(problems).toEqual([]);
  }, 120_000);

  it('zooms in and out with two fingers on a phone (pinch)', async () => {
    const browser = await launchChromium(ctx);
    const context = await browser.newContext({ viewport: { width: 360, height: 740 }, hasTouch: true, isMobile: true });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    await page.goto(`${base}/map`);
    await signInOnPage(page, { handle: viewer.handle, password: viewer.password });
    await page.waitForSelector('#world-map .map-cluster[data-count="2"]');
    await mapSettled(page);
    const box = (await page.locator('#world-map').boundingBox())!;
    const [cx, cy] = [box.x + box.width / 2, box.y + box.height / 2];
    // Real touch input, as a phone's screen sends it (Playwright's touchscreen only taps).
    const cdp = await context.newCDPSession(page);
    const pinch = async (fromGap: number, toGap: number) => {
      const points = (gap: number) => [{ x: cx - gap / 2, y: cy, id: 1 }, { x: cx + gap / 2, y: cy, id: 2 }];
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchStart', touchPoints: points(fromGap) });
      for (let step = 1; step <= 8; step++) {
        await cdp.send('Input.dispatchTouchEvent', { type: 'touchMove', touchPoints: points(fromGap + ((toGap - fromGap) * step) / 8) });
      }
      await cdp.send('Input.dispatchTouchEvent', { type: 'touchEnd', touchPoints: [] });
    };
    const zoom = async () => Number(await page.getAttribute('#world-map', 'data-zoom'));
    const before = await zoom();
    // Fingers 4 times further apart: two zoom levels in.
    await pinch(40, 160);
    await page.waitForSelector(`#world-map[aria-busy="false"]:not([data-zoom="${before}"])`);
    expect(await zoom()).toBe(before + 2);
    // And back together: out again.
    await pinch(160, 40);
    await page.waitForSelector(`#world-map[aria-busy="false"][data-zoom="${before}"]`);
    expect(problems).toEqual([]);
  }, 60_000);

  it('lists who you follow that is live, each a link to watch', async () => {
    const { page, problems } = await newPage();
    await page.goto(`${base}/following`);
    await signInOnPage(page, { handle: viewer.handle, password: viewer.password });
    await page.waitForSelector('#following-live');
    const links = await page.locator('#following-live a[data-broadcast-id]').evaluateAll((found) => found.map((a) => a.getAttribute('href')));
    expect(links.sort()).toEqual(Object.values(live).map((id) => `/watch/${id}`).sort());
    await expectNoSeriousA11yViolations(page, 'following');
    expect(problems).toEqual([]);
  }, 60_000);
});
