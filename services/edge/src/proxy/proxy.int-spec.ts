import type { INestApplication } from '@nestjs/common';
import { freePort, json, TestContext, type RunningIdentity } from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import { createHash, randomBytes } from 'node:crypto';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../config.js';
import { createEdgeApp } from '../edge-app.js';
import { httpRequest } from '../raw-http.test-app.js';
import { startUpstreamDouble, type UpstreamDouble } from '../upstream-double.test-app.js';

const telemetry = startTelemetry({ serviceName: 'edge', captureSpans: true });

async function startEdge(env: Record<string, string>): Promise<{ app: INestApplication; base: string; port: number }> {
  const app = await createEdgeApp(loadConfig({ LOG_LEVEL: 'error', ...env }));
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  return { app, base: `http://127.0.0.1:${port}`, port };
}

describe('the edge routes HTTP to the owning service (real identity, an upstream double)', () => {
  const ctx = TestContext.create('edge_proxy');
  let identity: RunningIdentity;
  let a: UpstreamDouble;
  let b: UpstreamDouble;
  let edge: { app: INestApplication; base: string; port: number };

  beforeAll(async () => {
    [identity, a, b] = await Promise.all([ctx.startIdentity(), startUpstreamDouble('a'), startUpstreamDouble('b')]);
    const down = await freePort();
    edge = await startEdge({
      EDGE_SERVICES: `identity=${identity.url}`,
      EDGE_ROUTES: JSON.stringify({ '/v1/accounts': 'identity', '/v1/things': a.url, '/v1/things/special': b.url, '/v1/down': `http://127.0.0.1:${down}` }),
    });
    ctx.onCleanup(() => edge.app.close());
    ctx.onCleanup(() => a.close());
    ctx.onCleanup(() => b.close());
  }, 120_000);
  afterAll(() => ctx.cleanup(), 60_000);

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${edge.base}${path}`, { headers });

  it('creates an account at identity through the edge: the body streams through unparsed', async () => {
    const post = (body: string) => fetch(`${edge.base}/v1/accounts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    const created = await post(JSON.stringify({ handle: 'edge_ann', email: 'edge-ann@example.org', password: 'a long enough passphrase' }));
    expect(created.status).toBe(201);
    expect(await json(created)).toMatchObject({ handle: 'edge_ann' });
    // Identity, not the edge, reads the body: broken JSON gets identity's own answer.
    const broken = await post('{"handle": "x",');
    expect(broken.status).toBe(400);
    expect((await json(broken)).error.code).toBe('REQUEST.MALFORMED_JSON');
  });

  it('routes by the longest matching prefix, on whole path segments', async () => {
    const upstreamOf = async (path: string) => (await json(await get(path))).upstream;
    expect(await upstreamOf('/v1/things')).toBe('a');
    expect(await upstreamOf('/v1/things/42')).toBe('a');
    expect(await upstreamOf('/v1/things/special')).toBe('b');
    expect(await upstreamOf('/v1/things/special/42')).toBe('b');
    expect(await upstreamOf('/v1/things/specialist')).toBe('a');
    const unrouted = await get('/v1/thingsx');
    expect(unrouted.status).toBe(404);
    expect((await json(unrouted)).error.code).toBe('REQUEST.NOT_FOUND');
  });

  it('keeps the method, the path and the query string exactly as sent', async () => {
    const target = '/v1/things/42?q=a%20b&tag=1&tag=2&empty=&utf=%C3%A9';
    const res = await fetch(`${edge.base}${target}`, { method: 'PATCH', body: '{}' });
    expect(await json(res)).toEqual({ upstream: 'a', method: 'PATCH', url: target });
  });

  it('streams request and response bodies: each chunk comes back before the next is sent', async () => {
    const chunks = Array.from({ length: 5 }, (_, i) => `chunk-${i}-${'x'.repeat(1000)}`);
    const echoed = await new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: edge.port, method: 'POST', path: '/v1/things/echo' }, (res) => {
        let received = '';
        let sent = 1;
        res.on('data', (d) => {
          received += d;
          // A buffering proxy would wait for the whole body, and this exchange would stall.
          if (received.length === chunks.slice(0, sent).join('').length) {
            if (sent < chunks.length) req.write(chunks[sent++]);
            else req.end();
          }
        });
        res.on('end', () => resolve(received));
      });
      req.on('error', reject);
      req.write(chunks[0]);
    });
    expect(echoed).toBe(chunks.join(''));
  });

  it('passes an upload far above the services JSON limit through intact', async () => {
    const upload = randomBytes(8 * 1024 * 1024);
    const res = await fetch(`${edge.base}/v1/things/count`, { method: 'PUT', body: upload });
    expect(await json(res)).toEqual({ bytes: upload.length, sha256: createHash('sha256').update(upload).digest('hex') });
  });

  it('states x-forwarded-* itself, drops hop-by-hop headers both ways and keeps end-to-end ones', async () => {
    const res = await httpRequest(edge.port, {
      path: '/v1/things/headers',
      headers: {
        host: 'api.onair.example',
        connection: 'keep-alive, x-client-hop',
        'x-client-hop': 'secret',
        'keep-alive': 'timeout=5',
        'proxy-authorization': 'Basic Zm9vOmJhcg==',
        'x-forwarded-for': '203.0.113.7',
        'x-forwarded-proto': 'https',
        forwarded: 'for=203.0.113.7',
        'x-request-id': 'r-1',
        authorization: 'Bearer t',
      },
    });
    expect(res.status).toBe(200);
    const seen = a.received('/v1/things/headers').headers;
    expect(seen).toMatchObject({
      host: 'api.onair.example',
      'x-forwarded-host': 'api.onair.example',
      'x-forwarded-for': '127.0.0.1',
      'x-forwarded-proto': 'http',
      'x-request-id': 'r-1',
      authorization: 'Bearer t',
    });
    for (const hop of ['x-client-hop', 'keep-alive', 'proxy-authorization', 'forwarded']) expect(seen[hop]).toBeUndefined();
    expect(res.headers['x-upstream-hop']).toBeUndefined();
    expect(res.headers['content-type']).toBe('application/json');
  });

  it('believes X-Forwarded-For only from EDGE_TRUSTED_PROXIES, taking the right-most untrusted entry', async () => {
    // This edge sits behind "load balancers" on 127.0.0.0/8 (the test client connects from there).
    const behindLb = await startEdge({ EDGE_ROUTES: `/v1/things=${a.url}`, EDGE_TRUSTED_PROXIES: '127.0.0.0/8, 10.0.0.0/8' });
    try {
      const seenFor = async (port: number, forwardedFor: string | undefined, path: string) => {
        await httpRequest(port, { path, headers: forwardedFor ? { 'x-forwarded-for': forwardedFor } : {} });
        return a.received(path).headers['x-forwarded-for'];
      };
      // The client claims 198.51.100.1; the trusted proxies appended what they saw.
      expect(await seenFor(behindLb.port, '198.51.100.1, 203.0.113.9, 10.0.0.3', '/v1/things/xff-1')).toBe('203.0.113.9');
      expect(await seenFor(behindLb.port, undefined, '/v1/things/xff-2')).toBe('127.0.0.1');
      expect(await seenFor(behindLb.port, 'garbage', '/v1/things/xff-3')).toBe('127.0.0.1');
      // The default edge trusts no proxy: the claim is dropped, the socket's peer is stated.
      expect(await seenFor(edge.port, '198.51.100.1, 203.0.113.9', '/v1/things/xff-4')).toBe('127.0.0.1');
    } finally {
      await behindLb.app.close();
    }
  });

  it("makes the edge's HTTP span the parent of the upstream request", async () => {
    const res = await get('/v1/things/traced');
    const answered = String(res.headers.get('traceparent'));
    const [, traceId, edgeSpanId] = answered.split('-');
    expect(traceId).not.toMatch(/^0+$/);
    const upstreamSaw = String(a.received('/v1/things/traced').headers.traceparent);
    expect(upstreamSaw.split('-').slice(1, 3)).toEqual([traceId, edgeSpanId]);
    const span = telemetry.finishedSpans().find((s) => s.spanContext().spanId === edgeSpanId);
    expect(span?.name).toBe('GET /v1/things/traced');

    // A caller's trace is continued: same trace id, the edge's span in between.
    const callerTrace = '4bf92f3577b34da6a3ce929d0e0e4736';
    const continued = await get('/v1/things/continued', { traceparent: `00-${callerTrace}-00f067aa0ba902b7-01` });
    expect(continued.headers.get('traceparent')).toContain(callerTrace);
    const seen = String(a.received('/v1/things/continued').headers.traceparent);
    expect(seen.split('-')[1]).toBe(callerTrace);
    expect(seen.split('-')[2]).not.toBe('00f067aa0ba902b7');
  });

  it('answers 502 EDGE.UPSTREAM_UNAVAILABLE when the upstream is down', async () => {
    const res = await get('/v1/down/anything');
    expect(res.status).toBe(502);
    expect(await json(res)).toEqual({ error: { code: 'EDGE.UPSTREAM_UNAVAILABLE', message: expect.any(String) } });
  });

  it('answers 504 EDGE.UPSTREAM_TIMEOUT when the upstream stays silent', async () => {
    const impatient = await startEdge({ EDGE_SERVICES: '', EDGE_ROUTES: `/v1/things=${a.url}`, EDGE_UPSTREAM_TIMEOUT_MS: '300' });
    ctx.onCleanup(() => impatient.app.close());
    const started = Date.now();
    const res = await fetch(`${impatient.base}/v1/things/hang`);
    expect(res.status).toBe(504);
    expect((await json(res)).error.code).toBe('EDGE.UPSTREAM_TIMEOUT');
    expect(Date.now() - started).toBeLessThan(5_000);
    // An upload slower than the timeout in total, but never silent for that long, is not cut.
    const counted = await new Promise<string>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: impatient.port, method: 'POST', path: '/v1/things/count' }, (r) => {
        let body = '';
        r.on('data', (d) => (body += d));
        r.on('end', () => resolve(body));
      });
      req.on('error', reject);
      let sent = 0;
      const timer = setInterval(() => {
        req.write('0123456789');
        if (++sent === 10) {
          clearInterval(timer);
          req.end();
        }
      }, 100);
    });
    expect(JSON.parse(counted).bytes).toBe(100);
  });
});
