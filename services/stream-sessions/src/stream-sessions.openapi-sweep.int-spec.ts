import { json, sweepOpenApi, TestContext, waitUntil } from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeSfu, httpClient, newBroadcast, startPlatform } from './stream-sessions.test-app.js';

startTelemetry({ serviceName: 'stream-sessions' });

// Every operation stream-sessions' OpenAPI document lists, first with a valid request on real
// broadcasts (one live on an SFU node, one with a replay) so the handler runs, then with one
// path parameter, query parameter or body field at a time made hostile, with real tokens from
// the real identity service: never a 5xx, always a stable error code.
describe('stream-sessions: every endpoint in /openapi.json refuses bad input with a 4xx and a code', () => {
  const ctx = TestContext.create('ss_sweep');
  afterAll(() => ctx.cleanup());

  it('sweeps the whole API', async () => {
    // The fake SFU node reports once: it must stay fresh for the whole sweep.
    const { sessions, graph } = await startPlatform(ctx, { SFU_NODE_STALE_SECONDS: '600' });
    const sfu = await FakeSfu.connect(ctx);
    const ann = await ctx.newUser();
    const call = httpClient(sessions.url);
    const state = async (id: string) => (await json(await call('GET', `/v1/broadcasts/${id}`, ann))).state;
    // An SFU node reporting its load as a real one does, so tickets can name it for the whole sweep.
    await sfu.nodeLoad('node-a');
    // A report that fails to send shows up as the sweep's tickets answering NO_SFU_AVAILABLE.
    const reports = setInterval(() => sfu.nodeLoad('node-a').catch(() => undefined), 3_000);
    try {
      // One broadcast live on node-a, one ended with its replay recorded.
      const live = await json(await call('POST', '/v1/broadcasts', ann, newBroadcast()));
      const replayed = await json(await call('POST', '/v1/broadcasts', ann, newBroadcast()));
      for (const b of [live, replayed]) await sfu.joined(b.id, 'node-a', ann.id);
      await waitUntil(async () => (await state(live.id)) === 'live' && (await state(replayed.id)) === 'live', 20_000, 'both broadcasts live');
      mkdirSync(join(sessions.replayDir, replayed.id), { recursive: true });
      writeFileSync(join(sessions.replayDir, replayed.id, 'index.m3u8'), '#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\nindex0.ts\n#EXT-X-ENDLIST\n');
      writeFileSync(join(sessions.replayDir, replayed.id, 'index0.ts'), Buffer.alloc(188 * 4, 0x47));
      // The live one's recording so far, for its live HLS.
      mkdirSync(join(sessions.replayDir, live.id), { recursive: true });
      writeFileSync(join(sessions.replayDir, live.id, 'index.m3u8'), '#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-PLAYLIST-TYPE:EVENT\n#EXTINF:2.0,\nindex0.ts\n');
      writeFileSync(join(sessions.replayDir, live.id, 'index0.ts'), Buffer.alloc(188 * 4, 0x47));
      expect((await call('POST', `/v1/broadcasts/${replayed.id}/end`, ann)).status).toBe(200);
      await sfu.recordingFinished(replayed.id, 'node-a', 2000, 1);
      await waitUntil(async () => (await state(replayed.id)) === 'replay_ready', 20_000, 'replay ready');
      // A circle of ann's, so the valid body takes the path that asks social-graph about it.
      const circle = await json(await httpClient(graph.url)('POST', '/v1/graph/circles', ann, { name: 'close friends' }));
      // A real cursor (a page of one broadcast out of two), for the sweep to send and tamper with.
      const { nextCursor } = await json(await call('GET', '/v1/broadcasts/mine?limit=1', ann));
      expect(nextCursor).toEqual(expect.any(String));

      const doc = await json(await fetch(`${sessions.url}/openapi.json`));
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining([
          '/v1/broadcasts',
          '/v1/broadcasts/mine',
          '/v1/broadcasts/{broadcastId}',
          '/v1/broadcasts/{broadcastId}/end',
          '/v1/broadcasts/{broadcastId}/tickets',
          '/v1/broadcasts/{broadcastId}/replay/{file}',
          '/v1/broadcasts/{broadcastId}/live/{file}',
          '/.well-known/media-jwks.json',
        ]),
      );
      const result = await sweepOpenApi({
        baseUrl: sessions.url,
        authHeader: ann.authHeader,
        pathValues: { broadcastId: [live.id, replayed.id], file: ['index.m3u8', 'index0.ts'] },
        queryValues: { cursor: [nextCursor] },
        // The body's variants try every other visibility (anyOf branches) and each location bound.
        bodyExamples: {
          'POST /v1/broadcasts': newBroadcast({ visibility: `circle:${circle.id}`, location: { latitude: 52.37, longitude: 4.89, precision: 'city' } }),
        },
        // Ending the live broadcast would leave its tickets nothing to admit to: it goes last.
        last: ['POST /v1/broadcasts/{broadcastId}/end'],
        // WHIP and the RTMP ticket take a stream key, not the user's token (WHIP an SDP body too):
        // their refusals and limits are stream-keys/stream-keys.int-spec.ts's and
        // rtmp-ingest/rtmp-ingest.int-spec.ts's (the stream-key routes are swept here).
        skip: ['POST /v1/broadcasts/{broadcastId}/rtmp-ticket', 'POST /v1/broadcasts/{broadcastId}/whip', 'DELETE /v1/broadcasts/{broadcastId}/whip/{sessionId}', 'PATCH /v1/broadcasts/{broadcastId}/whip/{sessionId}'],
      });
      expect(result.findings).toEqual([]);
      expect(result.operations).toBe(10); // 8 + the stream key's GET and rotate
      expect(result.reached).toBeGreaterThan(20);
      expect(result.unreached).toEqual([]);
      // The broadcasts took only what the valid requests asked: the live one ended by its
      // owner (the last operation), the replay still served.
      expect(await state(live.id)).toBe('ended');
      expect((await call('GET', `/v1/broadcasts/${replayed.id}/replay/index.m3u8`, ann)).status).toBe(200);
    } finally {
      clearInterval(reports);
    }
  }, 300_000);
});
