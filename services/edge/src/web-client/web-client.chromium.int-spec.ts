import type { INestApplication } from '@nestjs/common';
import { expectNoSeriousA11yViolations, launchChromium, repoRoot, signInOnPage, TestContext } from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import { join } from 'node:path';
import { loadConfig } from '../config.js';
import { createEdgeApp } from '../edge-app.js';

startTelemetry({ serviceName: 'edge' });

/** The build to serve: this checkout's (the edge's default) unless a test run names another. */
const WEB_ROOT = process.env.ONAIR_TEST_WEB_ROOT || join(repoRoot, 'services/web/dist');

// The client in real headless Chromium, in front of the real identity service: the pages run
// under the edge's CSP (a violation would be a page error) and sign in through the edge.
describe('the web client in Chromium', () => {
  const ctx = TestContext.create('edge_web_client');
  let app: INestApplication;
  let base: string;
  afterAll(async () => {
    await ctx.cleanup();
    await app?.close();
  });

  beforeAll(async () => {
    const identity = await ctx.startIdentity();
    app = await createEdgeApp(
      loadConfig({
        LOG_LEVEL: 'error',
        EDGE_WEB_ROOT: WEB_ROOT,
        EDGE_SERVICES: `identity=${identity.url}`,
        EDGE_ROUTES: '/v1/accounts=identity,/v1/sessions=identity,/v1/users=identity',
      }),
    );
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  }, 120_000);

  /** A fresh page that records script errors and CSP violations (Chromium reports those on the console). */
  async function newPage() {
    const page = await (await (await launchChromium(ctx)).newContext()).newPage();
    const problems: string[] = [];
    page.on('pageerror', (e) => problems.push(e.message));
    page.on('console', (m) => /Content Security Policy/i.test(m.text()) && problems.push(m.text()));
    return { page, problems };
  }

  it('shows the home page to a newcomer, with sign in and sign up', async () => {
    const { page, problems } = await newPage();
    await page.goto(base);
    await page.waitForSelector('h1:text("Live now")');
    await page.waitForSelector('nav a[href="/signup"]');
    await expectNoSeriousA11yViolations(page, 'home-signed-out');
    expect(await page.title()).toBe('Live now · OnAir');
    expect(problems).toEqual([]);
  }, 60_000);

  it('signs up, is signed in, signs out and in again, moving between pages without reloading', async () => {
    const { page, problems } = await newPage();
    const handle = `web${Date.now().toString(36)}`.slice(0, 15);
    await page.goto(`${base}/signup`);
    await page.waitForSelector('#signup-handle');
    await expectNoSeriousA11yViolations(page, 'signup');
    await page.fill('#signup-handle', handle);
    await page.fill('#signup-email', `${handle}@example.org`);
    await page.fill('#signup-password', 'a-long-passphrase-for-web');
    await page.click('#signup');
    await page.waitForSelector(`#signed-in-as:text("@${handle}")`);
    expect(new URL(page.url()).pathname).toBe('/');
    await page.waitForSelector('h1:text("Live now")');
    await expectNoSeriousA11yViolations(page, 'home-signed-in');
    // A client-side navigation: the header's "Go live" shows the studio, no new document.
    await page.evaluate('window.sameDocument = true');
    await page.click('a[href="/broadcast"]');
    await page.waitForSelector('#golive:enabled');
    expect(await page.evaluate('window.sameDocument')).toBe(true);
    await expectNoSeriousA11yViolations(page, 'go-live-form');

    await page.click('#signout');
    await page.goto(`${base}/signin`);
    await page.waitForSelector('#login');
    await expectNoSeriousA11yViolations(page, 'signin');
    await page.goto(`${base}/broadcast`);
    await signInOnPage(page, { handle, password: 'a-long-passphrase-for-web' });
    await page.waitForSelector('#golive:enabled');
    expect(problems).toEqual([]);
  }, 60_000);

  it('shows an API error in words keyed by its code', async () => {
    const { page } = await newPage();
    await page.goto(`${base}/watch/6f1c2a7e-3b1d-4c5e-8f90-1a2b3c4d5e6f`);
    await signInOnPage(page, { handle: 'nobody_here', password: 'wrong-password' });
    await page.waitForSelector('#signin-error[data-code="IDENTITY.INVALID_CREDENTIALS"]');
    expect(await page.textContent('#signin-error')).toBe('That handle or email and password do not match an account.');
    await expectNoSeriousA11yViolations(page, 'signin-error');
  }, 60_000);

  it('answers an unknown page with the client\'s own "not found"', async () => {
    const { page } = await newPage();
    await page.goto(`${base}/no/such/page`);
    await page.waitForSelector('h1:text("Page not found")');
  }, 60_000);
});
