import type { INestApplication } from '@nestjs/common';
import { freePort, json } from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import { loadConfig } from '../config.js';
import { createEdgeApp } from '../edge-app.js';
import { InternalEndpoints } from './internal-endpoints.js';
import { startUpstreamDouble, type UpstreamDouble } from '../upstream-double.test-app.js';

startTelemetry({ serviceName: 'edge', captureSpans: true });

describe('/healthz, /readyz and /metrics of the edge: public probes, operators\' details on the internal port', () => {
  let named: UpstreamDouble;
  let unnamed: UpstreamDouble;
  let app: INestApplication;
  let base: string;
  let internal: string;
  let down: number;

  beforeAll(async () => {
    [named, unnamed] = await Promise.all([startUpstreamDouble('named'), startUpstreamDouble('unnamed')]);
    down = await freePort();
    app = await createEdgeApp(
      loadConfig({
        LOG_LEVEL: 'error',
        EDGE_SERVICES: `up=${named.url},down=http://127.0.0.1:${down}`,
        EDGE_ROUTES: `/v1/up=up,/v1/down=down,/v1/other=${unnamed.url}`,
      }),
    );
    internal = await app.get(InternalEndpoints).listen(0, '127.0.0.1');
    await app.listen(0, '127.0.0.1');
    base = await app.getUrl();
  });
  afterAll(async () => {
    await app.close();
    await Promise.all([named.close(), unnamed.close()]);
  });

  it('is live and ready while an upstream is down; only the internal port says which one', async () => {
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await json(ready)).toEqual({ status: 'ready', checks: { edge: true } });
    const detailed = await fetch(`${internal}/readyz`);
    expect(await json(detailed)).toEqual({
      status: 'ready',
      checks: { edge: true },
      upstreams: { up: true, down: false, [unnamed.url]: true },
    });
  });

  it('serves /metrics on the internal port only, counting proxied requests, failed ones included', async () => {
    await fetch(`${base}/v1/up/x`);
    expect((await fetch(`${base}/v1/down/x`)).status).toBe(502);
    const publicMetrics = await fetch(`${base}/metrics`);
    expect(publicMetrics.status).toBe(404);
    expect(await publicMetrics.text()).not.toContain('http_server_duration_ms');
    expect((await fetch(`${internal}/v1/up/x`)).status).toBe(404); // nothing is routed there
    const metrics = await (await fetch(`${internal}/metrics`)).text();
    expect(metrics).toContain('http_server_duration_ms');
    expect(metrics).toMatch(/http_server_duration_ms_count\{[^}]*status="502"[^}]*\} [1-9]/);
  });
});
