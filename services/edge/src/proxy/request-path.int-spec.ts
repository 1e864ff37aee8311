import type { INestApplication } from '@nestjs/common';
import { startTelemetry } from '@onair/telemetry';
import type { AddressInfo } from 'node:net';
import { loadConfig } from '../config.js';
import { createEdgeApp } from '../edge-app.js';
import { httpRequest, rawRequest } from '../raw-http.test-app.js';
import { startUpstreamDouble, type UpstreamDouble } from '../upstream-double.test-app.js';

startTelemetry({ serviceName: 'edge', captureSpans: true });

const request = (target: string, headers = '') => `GET ${target} HTTP/1.1\r\nHost: edge\r\n${headers}Connection: close\r\n\r\n`;

describe('hostile and malformed requests get a 4xx from the edge, never a 5xx or an upstream', () => {
  let upstream: UpstreamDouble;
  let app: INestApplication;
  let port: number;

  beforeAll(async () => {
    upstream = await startUpstreamDouble('a');
    app = await createEdgeApp(loadConfig({ LOG_LEVEL: 'error', EDGE_SERVICES: '', EDGE_ROUTES: `/v1/things=${upstream.url}` }));
    await app.listen(0, '127.0.0.1');
    port = (app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(async () => {
    await app.close();
    await upstream.close();
  });

  // [what, raw request, status, code ('' when Node itself answers, without a body)]
  const cases: Array<[string, string, number, string]> = [
    ['.. traversal out of a route', request('/v1/things/../../metrics'), 400, 'REQUEST.MALFORMED_PATH'],
    ['.. traversal into an edge path', request('/docs/../v1/things/x'), 400, 'REQUEST.MALFORMED_PATH'],
    ['percent-encoded dot segments', request('/v1/things/%2e%2e/%2E%2E/healthz'), 400, 'REQUEST.MALFORMED_PATH'],
    ['an encoded slash', request('/v1/things/..%2f..%2fhealthz'), 400, 'REQUEST.MALFORMED_PATH'],
    ['an encoded backslash', request('/v1/things/a%5c..%5cb'), 400, 'REQUEST.MALFORMED_PATH'],
    ['an encoded NUL', request('/v1/things/a%00b'), 400, 'REQUEST.MALFORMED_PATH'],
    ['broken percent-encoding', request('/v1/things/%zz'), 400, 'REQUEST.MALFORMED_PATH'],
    ['a protocol-relative path', request('//evil.example/v1/things'), 400, 'REQUEST.MALFORMED_PATH'],
    ['an absolute-form target', request('http://evil.example/v1/things'), 400, 'REQUEST.MALFORMED_PATH'],
    ['a raw backslash', request('/v1/things\\..\\x'), 400, ''],
    ['a 64 KiB header', request('/v1/things/x', `X-Big: ${'b'.repeat(64 * 1024)}\r\n`), 431, ''],
    ['a 64 KiB path', request(`/v1/things/${'p'.repeat(64 * 1024)}`), 431, ''],
    ['an unknown method', 'BREW /v1/things/x HTTP/1.1\r\nHost: edge\r\n\r\n', 400, ''],
    ['a garbage request line', 'HELLO THERE\r\n\r\n', 400, ''],
    ['both Content-Length and Transfer-Encoding', 'POST /v1/things/x HTTP/1.1\r\nHost: edge\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n', 400, ''],
  ];

  it.each(cases)('%s', async (_what, raw, status, code) => {
    const res = await rawRequest(port, raw);
    expect(res.status).toBe(status);
    if (code) expect(JSON.parse(res.body).error.code).toBe(code);
  });

  it('an unknown route is 404 and an unknown method on a known one reaches the upstream', async () => {
    const unknown = await httpRequest(port, { path: '/v1/unknown' });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body).error.code).toBe('REQUEST.NOT_FOUND');
    const purge = await httpRequest(port, { method: 'PURGE', path: '/v1/things/x' });
    expect(JSON.parse(purge.body)).toMatchObject({ upstream: 'a', method: 'PURGE' });
  });

  it('let none of them through and is still healthy', async () => {
    expect(upstream.seen.filter((s) => s.method !== 'PURGE')).toEqual([]);
    expect((await httpRequest(port, { path: '/healthz' })).status).toBe(200);
  });
});
