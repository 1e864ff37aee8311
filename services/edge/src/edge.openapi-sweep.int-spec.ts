import type { INestApplication } from '@nestjs/common';
import { sweepOpenApi, TestContext } from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import { loadConfig } from './config.js';
import { createEdgeApp } from './edge-app.js';

startTelemetry({ serviceName: 'edge' });

// The edge's own operations (its routed paths belong to the services and are swept there),
// in front of the real identity service: a valid request reaches the handler, hostile input
// never yields a 5xx or a bare error.
describe('edge: every endpoint in /openapi.json refuses bad input with a 4xx and a code', () => {
  const ctx = TestContext.create('edge_sweep');
  let app: INestApplication;
  afterAll(async () => {
    await app?.close();
    await ctx.cleanup();
  });

  it('sweeps the whole API', async () => {
    const identity = await ctx.startIdentity();
    app = await createEdgeApp(loadConfig({ LOG_LEVEL: 'error', EDGE_SERVICES: `identity=${identity.url}`, EDGE_ROUTES: '/v1/accounts=identity' }));
    await app.listen(0, '127.0.0.1');
    // A real service name, so the document is fetched from identity and served.
    const result = await sweepOpenApi({ baseUrl: await app.getUrl(), pathValues: { service: ['identity'] } });
    expect(result.findings).toEqual([]);
    expect(result.operations).toBeGreaterThanOrEqual(1);
    expect(result.reached).toBeGreaterThan(0);
    expect(result.unreached).toEqual([]);
  }, 120_000);
});
