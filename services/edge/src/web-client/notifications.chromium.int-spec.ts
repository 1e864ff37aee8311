import type { INestApplication } from '@nestjs/common';
import { expectNoSeriousA11yViolations, launchChromium, signInOnPage, TestContext, type TestUser } from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { loadConfig } from '../config.js';
import { createEdgeApp } from '../edge-app.js';
import { startNotificationsPlatform, type NotificationsPlatform } from './notifications-platform.test-app.js';

startTelemetry({ serviceName: 'edge' });

/** services/web's build; ONAIR_TEST_WEB_ROOT points at another (one built elsewhere). */
const WEB_ROOT = process.env.ONAIR_TEST_WEB_ROOT ?? join(__dirname, '..', '..', '..', 'web', 'dist');
const SCREENSHOTS = join(__dirname, '..', '..', '..', '..', '.onair', 'test-output', 'notifications.chromium');

// The follower's page in headless Chromium, through the edge, in front of real identity,
// social-graph and notifications: a go-live of someone they follow arrives on the live stream
// as a toast, the bell counts it, the inbox lists it. Under the edge's CSP (a violation would
// be a problem reported on the console).
describe('notifications in the web client, in Chromium', () => {
  const ctx = TestContext.create('edge_web_notifications');
  let app: INestApplication;
  let base: string;
  let p: NotificationsPlatform;
  let owner: TestUser;
  let follower: TestUser;
  afterAll(async () => {
    await ctx.cleanup();
    await app?.close();
  });

  beforeAll(async () => {
    p = await startNotificationsPlatform(ctx);
    app = await createEdgeApp(
      loadConfig({
        LOG_LEVEL: 'error',
        EDGE_SERVICES: `identity=${p.identity},social-graph=${p.graph.url},notifications=${p.notifications.url}`,
        EDGE_ROUTES: '/v1/accounts=identity,/v1/sessions=identity,/v1/users=identity,/v1/graph=social-graph,/v1/notifications=notifications',
        EDGE_WEB_ROOT: WEB_ROOT,
      }),
    );
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
    owner = await ctx.newUser();
    follower = await ctx.newUser();
    const follow = await fetch(`${base}/v1/graph/follows/${owner.id}`, { method: 'POST', headers: follower.authHeader });
    expect(follow.status).toBeLessThan(300);
  }, 180_000);

  /** A fresh page that records script errors and CSP violations (Chromium reports those on the console). */
  async function newPage(viewport = { width: 1280, height: 800 }) {
    const page = await (await (await launchChromium(ctx)).newContext({ viewport })).newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => /Content Security Policy/i.test(m.text()) && problems.push(m.text()));
    return { page, problems };
  }

  async function signedInPage(viewport?: { width: number; height: number }) {
    const opened = await newPage(viewport);
    await opened.page.goto(`${base}/signin`);
    await signInOnPage(opened.page, follower);
    await opened.page.waitForSelector(`#signed-in-as:text("@${follower.handle}")`);
    return opened;
  }

  const bellName = (page: Page) => page.getAttribute('#notification-bell', 'aria-label');

  it('shows a go-live of someone followed as a toast with a Watch link, counts it on the bell, lists it in the inbox; mark all read', async () => {
    const { page, problems } = await signedInPage();
    await page.waitForSelector('#notification-bell[aria-label="Notifications, 0 unread"]');
    // The stream is open before the go-live, or the toast would never come (the inbox would).
    await waitForStreamOpen(page);

    const title = `Sunset over the bay ${Date.now().toString(36)}`;
    const broadcastId = await p.goLive(owner, { title });
    const toast = page.locator('.toasts[role="status"] .toast');
    await toast.waitFor({ timeout: 20_000 });
    expect(await toast.locator('.toast-text').textContent()).toBe(`@${owner.handle} is live: ${title}`);
    expect(await toast.getByRole('link', { name: 'Watch' }).getAttribute('href')).toBe(`/watch/${broadcastId}`);
    await page.waitForSelector('#notification-bell[aria-label="Notifications, 1 unread"]');
    expect(await page.textContent('#notification-bell .bell-count')).toBe('1');

    // Dismissed by its button (it would go by itself after ~8 s).
    await toast.getByRole('button', { name: 'Dismiss notification' }).click();
    await toast.waitFor({ state: 'detached' });

    await page.click('#notification-bell');
    const item = page.locator('#inbox-items .inbox-item.unread');
    await item.waitFor();
    expect(await item.locator('.inbox-text').textContent()).toBe(`Unread: @${owner.handle} is live: ${title}`);
    await page.waitForSelector('#push-on, #push-state[data-state="unsupported"], #push-state[data-state="denied"]');
    await expectNoSeriousA11yViolations(page, 'notifications-inbox-open');
    await page.click('#mark-all-read');
    await page.waitForSelector('#inbox-items .inbox-item:not(.unread)');
    await page.waitForSelector('#notification-bell[aria-label="Notifications, 0 unread"]');
    expect(await bellName(page)).toBe('Notifications, 0 unread');
    expect(await (await p.api('GET', '/v1/notifications/unread-count', follower)).json()).toEqual({ unread: 0 });
    expect(problems).toEqual([]);
  }, 90_000);

  it('offers Web Push with an accessible button, the worker served same-origin as JavaScript, and saves preferences', async () => {
    const { page, problems } = await signedInPage();
    await page.goto(`${base}/notifications`);
    const button = page.getByRole('button', { name: 'Turn on push notifications' });
    await button.waitFor();
    const worker = await page.evaluate(async () => {
      const res = await fetch('/push-worker.js');
      return { status: res.status, type: res.headers.get('content-type'), body: await res.text() };
    });
    expect(worker).toMatchObject({ status: 200, type: 'text/javascript; charset=utf-8' });
    expect(worker.body).toContain("addEventListener('push'");

    // A preference toggled off is saved at notifications. Only once they are loaded: before,
    // the box shows unchecked (and disabled), and uncheck() would return without a click.
    await page.waitForSelector('#pref-followers:enabled:checked');
    await page.getByRole('checkbox', { name: 'Someone follows me' }).uncheck();
    await page.waitForSelector('#preferences-status:text("Saved.")');
    expect(await (await p.api('GET', '/v1/notifications/preferences', follower)).json()).toEqual({ goLive: true, followers: false, replays: true });
    expect(problems).toEqual([]);
  }, 60_000);

  it.each([
    ['phone', { width: 360, height: 740 }],
    ['desktop', { width: 1280, height: 800 }],
  ])('lays /notifications out on a %s (screenshot)', async (name, viewport) => {
    const { page, problems } = await signedInPage(viewport);
    await page.goto(`${base}/notifications`);
    await page.waitForSelector('#inbox-items .inbox-item');
    await page.waitForSelector('#pref-goLive:enabled');
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, `notifications-${name}.png`), fullPage: true });
    await expectNoSeriousA11yViolations(page, `notifications-${name}`);
    // Nothing wider than the screen: no sideways scrolling on a phone.
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    expect(problems).toEqual([]);
  }, 60_000);
});

/** Until the page's notifications stream is open: the edge has proxied the EventSource to notifications. */
async function waitForStreamOpen(page: Page): Promise<void> {
  await page.waitForFunction(() => (globalThis as unknown as { document: { body: { dataset: Record<string, string> } } }).document.body.dataset.notifications === 'open', undefined, { timeout: 20_000 });
}
