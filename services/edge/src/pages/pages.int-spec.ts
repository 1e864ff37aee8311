import type { INestApplication } from '@nestjs/common';
import { launchChromium, TestContext } from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import { loadConfig } from '../config.js';
import { createEdgeApp } from '../edge-app.js';
import { httpRequest } from '../raw-http.test-app.js';

startTelemetry({ serviceName: 'edge' });

// The two pages in real headless Chromium, in front of the real identity service.
describe('edge pages /broadcast and /watch/<id>', () => {
  const ctx = TestContext.create('edge_pages');
  let app: INestApplication;
  let base: string;
  afterAll(async () => {
    await ctx.cleanup();
    await app?.close();
  });

  beforeAll(async () => {
    const identity = await ctx.startIdentity();
    app = await createEdgeApp(
      loadConfig({ LOG_LEVEL: 'error', EDGE_SERVICES: `identity=${identity.url}`, EDGE_ROUTES: '/v1/accounts=identity,/v1/sessions=identity' }),
    );
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  }, 120_000);

  it('serves /broadcast whose bundled script signs in through the edge', async () => {
    const user = await ctx.newUser();
    const page = await (await launchChromium(ctx)).newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/broadcast`);
    await page.fill('#login', user.handle);
    await page.fill('#password', user.password);
    await page.click('#signin');
    await page.waitForFunction("document.getElementById('status').textContent.startsWith('signed in')", undefined, { timeout: 10_000 });
    expect(await page.isEnabled('#golive')).toBe(true);
    expect(errors).toEqual([]);
  }, 60_000);

  it('shows a sign-in error from the API on the page', async () => {
    const page = await (await launchChromium(ctx)).newPage();
    await page.goto(`${base}/broadcast`);
    await page.fill('#login', 'nobody_here');
    await page.fill('#password', 'wrong-password');
    await page.click('#signin');
    await page.waitForFunction("document.body.dataset.state === 'error'", undefined, { timeout: 10_000 });
    expect(await page.textContent('#status')).toContain('IDENTITY.INVALID_CREDENTIALS');
  }, 60_000);

  it('serves /watch/<uuid>, refuses other ids and unknown assets', async () => {
    expect((await fetch(`${base}/watch/6f1c2a7e-3b1d-4c5e-8f90-1a2b3c4d5e6f`)).status).toBe(200);
    expect((await fetch(`${base}/watch/not-an-id`)).status).toBe(404);
    // Sent as raw bytes: fetch would normalise the dot segments away before sending.
    const port = Number(new URL(base).port);
    for (const path of [
      '/assets/../../package.json',
      '/assets/..%2f..%2fpackage.json',
      '/assets/%2e%2e%2f%2e%2e%2fpackage.json',
      '/assets/..%5c..%5cpackage.json',
      '/assets/watch.client.js/../../../package.json',
      '/assets//etc/passwd',
    ]) {
      const res = await httpRequest(port, { path });
      // 400 where the edge refuses dot segments outright, 404 where no route matches.
      expect({ path, refused: [400, 404].includes(res.status) }).toEqual({ path, refused: true });
      expect(res.body).not.toMatch(/"dependencies"|root:x:0/);
    }
    expect((await fetch(`${base}/assets/secret.js`)).status).toBe(404);
    const script = await fetch(`${base}/assets/watch.client.js`);
    expect(script.headers.get('content-type')).toContain('javascript');
  });
});
