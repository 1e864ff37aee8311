import type { INestApplication } from '@nestjs/common';
import { json } from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { loadConfig } from '../config.js';
import { createEdgeApp } from '../edge-app.js';
import { httpRequest } from '../raw-http.test-app.js';

startTelemetry({ serviceName: 'edge' });

/** services/web's build, made by `tools/onair build` before the tests run. */
const WEB_BUILD = join(__dirname, '..', '..', '..', 'web', 'dist');
/** What a browser sends when it navigates to a page. */
const NAVIGATION = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

describe('the edge serves the web client at /', () => {
  let app: INestApplication;
  let base: string;
  let port: number;
  /** The first script index.html loads, e.g. /assets/index-DqNykVku.js. */
  let entryScript: string;

  beforeAll(async () => {
    expect({ build: WEB_BUILD, built: existsSync(join(WEB_BUILD, 'index.html')) }).toEqual({ build: WEB_BUILD, built: true });
    entryScript = /src="(\/assets\/[^"]+\.js)"/.exec(readFileSync(join(WEB_BUILD, 'index.html'), 'utf8'))?.[1] ?? 'no script in index.html';
    app = await createEdgeApp(loadConfig({ LOG_LEVEL: 'error', EDGE_SERVICES: '', EDGE_ROUTES: '' }));
    await app.listen(0, '127.0.0.1');
    port = (app.getHttpServer().address() as AddressInfo).port;
    base = `http://127.0.0.1:${port}`;
  });
  afterAll(() => app?.close());

  it.each(['/', '/watch/6f1c2a7e-3b1d-4c5e-8f90-1a2b3c4d5e6f', '/broadcast', '/signin', '/some/future/page'])(
    'answers a browser navigating to %s with index.html, revalidated every time, under a strict CSP',
    async (path) => {
      const res = await fetch(`${base}${path}`, { headers: NAVIGATION });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(await res.text()).toContain('<div id="app"></div>');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('content-security-policy')).toBe(
        [
          "default-src 'self'",
          `connect-src 'self' ws://127.0.0.1:${port} wss://127.0.0.1:${port}`,
          "media-src 'self' blob:",
          "img-src 'self' data: blob:",
          "style-src 'self'",
          "object-src 'none'",
          "base-uri 'none'",
          "form-action 'self'",
          "frame-ancestors 'none'",
        ].join('; '),
      );
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('same-origin');
      expect(res.headers.get('permissions-policy')).toBe('camera=(self), microphone=(self), geolocation=(self)');
    },
  );

  it('answers a revalidation of an unchanged index.html with 304', async () => {
    const first = await fetch(base, { headers: NAVIGATION });
    const again = await fetch(base, { headers: { ...NAVIGATION, 'if-none-match': first.headers.get('etag') ?? 'none' } });
    expect(again.status).toBe(304);
  });

  it('serves a hashed asset as immutable for a year, gzipped when the browser takes gzip', async () => {
    const plain = await httpRequest(port, { path: entryScript });
    expect(plain.status).toBe(200);
    expect(plain.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(plain.headers['x-content-type-options']).toBe('nosniff');
    expect(plain.headers['content-encoding']).toBeUndefined();

    const gzipped = await new Promise<{ encoding?: string; body: Buffer }>((resolve, reject) => {
      get({ host: '127.0.0.1', port, path: entryScript, headers: { 'accept-encoding': 'gzip, br' } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ encoding: res.headers['content-encoding'], body: Buffer.concat(chunks) }));
      }).on('error', reject);
    });
    expect(gzipped.encoding).toBe('gzip');
    expect(gunzipSync(gzipped.body).toString()).toBe(plain.body);
  });

  it('refuses paths out of /assets/ and names that are not assets of the build', async () => {
    // Sent as raw bytes: fetch would normalise the dot segments away before sending.
    for (const path of [
      '/assets/../../package.json',
      '/assets/..%2f..%2fpackage.json',
      '/assets/%2e%2e%2f%2e%2e%2fpackage.json',
      '/assets/..%5c..%5cpackage.json',
      `${entryScript}/../../../package.json`,
      '/assets//etc/passwd',
      '/assets/../index.html',
    ]) {
      const res = await httpRequest(port, { path, headers: NAVIGATION });
      // 400 where the edge refuses dot segments and encoded slashes before routing, 404 otherwise.
      expect({ path, refused: [400, 404].includes(res.status) }).toEqual({ path, refused: true });
      expect(res.body).not.toMatch(/"dependencies"|root:x:0|<div id="app">/);
    }
    for (const path of ['/assets/secret.js', '/assets/', '/assets', '/assets/.vite', `${entryScript}x`, entryScript.toUpperCase()]) {
      const res = await fetch(`${base}${path}`, { headers: NAVIGATION });
      expect({ path, status: res.status }).toEqual({ path, status: 404 });
      expect((await json(res)).error.code).toBe('REQUEST.NOT_FOUND');
    }
  });

  it('keeps the API and its own endpoints as they were: JSON 404s under /v1, the docs, the probes', async () => {
    for (const path of ['/v1/unknown', '/v1', '/.well-known/unknown']) {
      const res = await fetch(`${base}${path}`, { headers: NAVIGATION });
      expect({ path, status: res.status, type: res.headers.get('content-type') }).toEqual({ path, status: 404, type: 'application/json; charset=utf-8' });
      expect((await json(res)).error.code).toBe('REQUEST.NOT_FOUND');
    }
    // A page's address fetched by a script (not navigated to) is no page either.
    expect((await fetch(`${base}/`, { headers: { accept: 'application/json' } })).status).toBe(404);
    expect(await (await fetch(`${base}/healthz`, { headers: NAVIGATION })).json()).toEqual({ status: 'ok' });
    expect(await (await fetch(`${base}/docs`, { headers: NAVIGATION })).text()).toContain('<title>OnAir API</title>');
  });

  it('serves no web client when EDGE_WEB_ROOT is empty, and will not start when the one it names is missing', async () => {
    const apiOnly = await createEdgeApp(loadConfig({ LOG_LEVEL: 'error', EDGE_SERVICES: '', EDGE_ROUTES: '', EDGE_WEB_ROOT: '' }));
    await apiOnly.listen(0, '127.0.0.1');
    try {
      expect((await fetch(`${await apiOnly.getUrl()}/`, { headers: NAVIGATION })).status).toBe(404);
    } finally {
      await apiOnly.close();
    }
    await expect(createEdgeApp(loadConfig({ LOG_LEVEL: 'error', EDGE_SERVICES: '', EDGE_ROUTES: '', EDGE_WEB_ROOT: '/nonexistent/web' }))).rejects.toThrow(/index\.html/);
  });

  it('serves the push service worker at /push-worker.js, revalidated, same-origin, and no other root file', async () => {
    // A build of its own: the worker's headers do not depend on when services/web was last built.
    const root = mkdtempSync(join(tmpdir(), 'onair-web-root-'));
    writeFileSync(join(root, 'index.html'), '<div id="app"></div>');
    writeFileSync(join(root, 'push-worker.js'), "self.addEventListener('push', () => undefined);");
    writeFileSync(join(root, 'other.js'), 'not served');
    const edge = await createEdgeApp(loadConfig({ LOG_LEVEL: 'error', EDGE_SERVICES: '', EDGE_ROUTES: '', EDGE_WEB_ROOT: root }));
    await edge.listen(0, '127.0.0.1');
    try {
      const url = await edge.getUrl();
      // What a browser's service worker registration sends.
      const res = await fetch(`${url}/push-worker.js`, { headers: { accept: '*/*', 'service-worker': 'script' } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-cache');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('content-security-policy')).toBe("default-src 'none'");
      expect(await res.text()).toContain("addEventListener('push'");
      const again = await fetch(`${url}/push-worker.js`, { headers: { 'if-none-match': res.headers.get('etag') ?? 'none' } });
      expect(again.status).toBe(304);
      for (const path of ['/other.js', '/index.html', '/PUSH-WORKER.JS', '/push-worker.js/x']) {
        const other = await fetch(`${url}${path}`);
        expect({ path, status: other.status }).toEqual({ path, status: 404 });
      }
    } finally {
      await edge.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
