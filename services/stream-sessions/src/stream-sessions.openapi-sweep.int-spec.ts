import { json, sweepOpenApi, TestContext } from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import { httpClient, newBroadcast, startPlatform } from './stream-sessions.test-app.js';

startTelemetry({ serviceName: 'stream-sessions' });

// Hostile input to every operation stream-sessions' OpenAPI document lists, with real tokens
// from the real identity service: never a 5xx, always a stable error code.
describe('stream-sessions: every endpoint in /openapi.json refuses bad input with a 4xx and a code', () => {
  const ctx = TestContext.create('ss_sweep');
  afterAll(() => ctx.cleanup());

  it('sweeps the whole API', async () => {
    const { sessions } = await startPlatform(ctx);
    const ann = await ctx.newUser();
    const call = httpClient(sessions.url);
    // Some state for the sweep to run into.
    const b = await json(await call('POST', '/v1/broadcasts', ann, newBroadcast()));
    const doc = await json(await fetch(`${sessions.url}/openapi.json`));
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/v1/broadcasts',
        '/v1/broadcasts/mine',
        '/v1/broadcasts/{broadcastId}',
        '/v1/broadcasts/{broadcastId}/end',
        '/v1/broadcasts/{broadcastId}/tickets',
        '/v1/broadcasts/{broadcastId}/replay/{file}',
        '/.well-known/media-jwks.json',
      ]),
    );
    const result = await sweepOpenApi({ baseUrl: sessions.url, authHeader: ann.authHeader });
    expect(result.operations).toBeGreaterThanOrEqual(7);
    expect(result.findings).toEqual([]);
    // The broadcast survived the sweep.
    expect(await json(await call('GET', `/v1/broadcasts/${b.id}`, ann))).toMatchObject({ id: b.id, state: 'created' });
  }, 300_000);
});
