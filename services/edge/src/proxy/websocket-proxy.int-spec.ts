import type { INestApplication } from '@nestjs/common';
import { freePort, waitUntil } from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket from 'ws';
import { loadConfig } from '../config.js';
import { createEdgeApp } from '../edge-app.js';
import { upgradeRequest } from '../raw-http.test-app.js';
import { startUpstreamDouble, type UpstreamDouble } from '../upstream-double.test-app.js';

startTelemetry({ serviceName: 'edge', captureSpans: true });

describe('the edge carries WebSocket upgrades to the owning service', () => {
  let a: UpstreamDouble;
  let b: UpstreamDouble;
  let app: INestApplication;
  let port: number;

  beforeAll(async () => {
    [a, b] = await Promise.all([startUpstreamDouble('a'), startUpstreamDouble('b')]);
    const down = await freePort();
    app = await createEdgeApp(
      loadConfig({
        LOG_LEVEL: 'error',
        EDGE_SERVICES: '',
        EDGE_ROUTES: `/v1/live=${a.url},/v1/live/backstage=${b.url},/v1/down=http://127.0.0.1:${down}`,
      }),
    );
    await app.listen(0, '127.0.0.1');
    port = (app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(async () => {
    await app.close();
    await Promise.all([a.close(), b.close()]);
  });

  async function connect(path: string): Promise<{ ws: WebSocket; handshake: IncomingMessage }> {
    const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`);
    const handshake = new Promise<IncomingMessage>((resolve, reject) => {
      ws.once('upgrade', resolve);
      ws.once('error', reject);
    });
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    return { ws, handshake: await handshake };
  }
  const reply = (ws: WebSocket) => new Promise<string>((resolve) => ws.once('message', (d) => resolve(String(d))));

  it('echoes through the edge, by the longest prefix, with the path and query kept', async () => {
    const { ws, handshake } = await connect('/v1/live/room-1?token=abc');
    ws.send('hello');
    expect(await reply(ws)).toBe('a:hello');
    for (let i = 0; i < 20; i++) ws.send(`m${i}`);
    const replies = await new Promise<string[]>((resolve) => {
      const got: string[] = [];
      ws.on('message', (d) => got.push(String(d)) === 20 && resolve(got));
    });
    expect(replies).toEqual(Array.from({ length: 20 }, (_, i) => `a:m${i}`));
    ws.close();

    const seen = a.received('/v1/live/room-1?token=abc', true);
    expect(seen.headers['x-forwarded-for']).toBe('127.0.0.1');
    // The handshake's span (named in the 101) is the parent of the upstream's upgrade request.
    const [, traceId, spanId] = String(handshake.headers.traceparent).split('-');
    expect(String(seen.headers.traceparent).split('-').slice(1, 3)).toEqual([traceId, spanId]);

    const backstage = await connect('/v1/live/backstage/x');
    backstage.ws.send('hi');
    expect(await reply(backstage.ws)).toBe('b:hi');
    backstage.ws.close();
  });

  it('ends the tunnel on both sides when either side closes', async () => {
    const first = await connect('/v1/live/room-2');
    await waitUntil(() => a.openWebSockets() >= 1, 5_000, 'the upstream to hold the socket');
    first.ws.close();
    await waitUntil(() => a.openWebSockets() === 0, 5_000, 'the upstream to see the close');

    const second = await connect('/v1/live/room-3');
    const closed = new Promise((resolve) => second.ws.once('close', resolve));
    a.dropWebSockets();
    await closed;
  });

  it.each([
    ['no route', '/v1/nowhere', 404, 'REQUEST.NOT_FOUND'],
    ['a down upstream', '/v1/down/ws', 502, 'EDGE.UPSTREAM_UNAVAILABLE'],
    ['a malformed path', '/v1/live/../admin', 400, 'REQUEST.MALFORMED_PATH'],
    ["an edge path (never routed)", '/docs', 404, 'REQUEST.NOT_FOUND'],
  ])('refuses the upgrade with %s', async (_what, path, status, code) => {
    const res = await upgradeRequest(port, path);
    expect(res.status).toBe(status);
    expect(JSON.parse(res.body).error.code).toBe(code);
  });

  it("relays the upstream's own refusal of an upgrade", async () => {
    const res = await upgradeRequest(port, '/v1/live/refuse');
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body).error.code).toBe('TEST.REFUSED');
  });
});
