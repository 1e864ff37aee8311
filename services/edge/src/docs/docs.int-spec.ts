import type { INestApplication } from '@nestjs/common';
import { freePort, json, TestContext, type RunningIdentity } from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../config.js';
import { createEdgeApp } from '../edge-app.js';
import { httpRequest } from '../raw-http.test-app.js';

startTelemetry({ serviceName: 'edge', captureSpans: true });

describe("the edge serves every service's OpenAPI document and one Swagger UI", () => {
  const ctx = TestContext.create('edge_docs');
  let identity: RunningIdentity;
  let app: INestApplication;
  let base: string;
  let port: number;

  beforeAll(async () => {
    identity = await ctx.startIdentity();
    const down = await freePort();
    app = await createEdgeApp(
      loadConfig({ LOG_LEVEL: 'error', EDGE_SERVICES: `identity=${identity.url},social-graph=http://127.0.0.1:${down}`, EDGE_ROUTES: '/v1/accounts=identity' }),
    );
    await app.listen(0, '127.0.0.1');
    port = (app.getHttpServer().address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
    ctx.onCleanup(() => app.close());
  }, 120_000);
  afterAll(() => ctx.cleanup(), 60_000);

  it("serves identity's own document with servers pointing at the edge", async () => {
    const res = await fetch(`${base}/openapi/identity.json`);
    expect(res.status).toBe(200);
    const document = await json(res);
    const own = await json(await fetch(`${identity.url}/openapi.json`));
    expect(document.paths).toEqual(own.paths);
    expect(document.info.title).toBe('OnAir identity');
    expect(document.servers).toEqual([{ url: base, description: 'OnAir edge' }]);
  });

  it('names the origin the client called, or a configured public URL', async () => {
    const viaHost = await httpRequest(port, { path: '/openapi/identity.json', headers: { host: 'api.onair.example:8443' } });
    expect(JSON.parse(viaHost.body).servers[0].url).toBe('http://api.onair.example:8443');
    const hostile = await httpRequest(port, { path: '/openapi/identity.json', headers: { host: 'x"><script>' } });
    expect(JSON.parse(hostile.body).servers[0].url).toBe('/');

    const pinned = await createEdgeApp(loadConfig({ LOG_LEVEL: 'error', EDGE_SERVICES: `identity=${identity.url}`, EDGE_ROUTES: '', EDGE_PUBLIC_URL: 'https://api.onair.example' }));
    await pinned.listen(0, '127.0.0.1');
    ctx.onCleanup(() => pinned.close());
    const document = await json(await fetch(`${await pinned.getUrl()}/openapi/identity.json`));
    expect(document.servers[0].url).toBe('https://api.onair.example');
  });

  it('answers 404 EDGE.UNKNOWN_SERVICE for a service it does not know', async () => {
    const res = await fetch(`${base}/openapi/billing.json`);
    expect(res.status).toBe(404);
    expect((await json(res)).error.code).toBe('EDGE.UNKNOWN_SERVICE');
  });

  it('answers 502 EDGE.UPSTREAM_UNAVAILABLE for a service that is down', async () => {
    const res = await fetch(`${base}/openapi/social-graph.json`);
    expect(res.status).toBe(502);
    expect(await json(res)).toEqual({ error: { code: 'EDGE.UPSTREAM_UNAVAILABLE', message: 'social-graph is unavailable' } });
  });

  it('serves one Swagger UI at /docs whose drop-down lists every service', async () => {
    const page = await fetch(`${base}/docs`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    const html = await page.text();
    expect(html).toContain('<title>OnAir API</title>');
    // The page's configuration (swagger-ui's `urls`) is the init script it loads.
    expect(html).toContain('swagger-ui-init.js');
    const init = await (await fetch(`${base}/docs/swagger-ui-init.js`)).text();
    const start = init.indexOf('let options = ') + 'let options = '.length;
    const options = JSON.parse(init.slice(start, init.indexOf(';\n', start)));
    expect(options.customOptions.urls).toEqual([
      { name: 'identity', url: '/openapi/identity.json' },
      { name: 'social-graph', url: '/openapi/social-graph.json' },
      { name: 'edge', url: '/openapi.json' },
    ]);
    expect((await fetch(`${base}/docs/swagger-ui-bundle.js`)).status).toBe(200);
  });

  it("serves the edge's own document at /openapi.json", async () => {
    const document = await json(await fetch(`${base}/openapi.json`));
    expect(document.info.title).toBe('OnAir edge');
    expect(Object.keys(document.paths)).toEqual(['/openapi/{service}.json']);
  });
});
