import { timestampDate } from '@bufbuild/protobuf/wkt';
import { BroadcastExpiredEvent, BroadcastReplayReadyEvent } from '@onair/contracts';
import { EventCollector, json, TestContext, waitUntil, type TestUser } from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FakeSfu, httpClient, newBroadcast, startPlatform } from '../stream-sessions.test-app.js';

startTelemetry({ serviceName: 'stream-sessions' });

const TTL_SECONDS = 8;

/** A real 4-second HLS VOD recording (2 s segments), laid out as the SFU writes it. */
function writeRecording(replayDir: string, broadcastId: string): string[] {
  const dir = join(replayDir, broadcastId);
  mkdirSync(dir, { recursive: true });
  execFileSync('/usr/bin/ffmpeg', [
    '-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc=duration=4:size=320x240:rate=25',
    '-c:v', 'libx264', '-g', '50', '-hls_time', '2', '-hls_playlist_type', 'vod',
    '-hls_segment_filename', join(dir, 'index%d.ts'), join(dir, 'index.m3u8'),
  ]);
  return readdirSync(dir).filter((f) => f.endsWith('.ts'));
}

describe('replays: served for exactly the TTL after the end, then gone for everyone', () => {
  const ctx = TestContext.create('ss_replays');
  let call: ReturnType<typeof httpClient>;
  let graph: ReturnType<typeof httpClient>;
  let replayDir: string;
  let sfu: FakeSfu;
  let ready: EventCollector<typeof BroadcastReplayReadyEvent.schema>;
  let expired: EventCollector<typeof BroadcastExpiredEvent.schema>;
  let ann: TestUser, bob: TestUser, cat: TestUser;

  beforeAll(async () => {
    const platform = await startPlatform(ctx, { REPLAY_TTL_SECONDS: String(TTL_SECONDS), PUBLISHER_GRACE_SECONDS: '1' });
    call = httpClient(platform.sessions.url);
    graph = httpClient(platform.graph.url);
    replayDir = platform.sessions.replayDir;
    sfu = await FakeSfu.connect(ctx);
    ready = await EventCollector.start(ctx, BroadcastReplayReadyEvent);
    expired = await EventCollector.start(ctx, BroadcastExpiredEvent);
    [ann, bob, cat] = await Promise.all([ctx.newUser(), ctx.newUser(), ctx.newUser()]);
    expect((await graph('POST', `/v1/graph/follows/${ann.id}`, cat)).status).toBe(201);
  });
  afterAll(() => ctx.cleanup());

  const get = async (id: string) => json(await call('GET', `/v1/broadcasts/${id}`, ann));
  const waitForState = (id: string, state: string) =>
    waitUntil(async () => (await get(id)).state === state, 20_000, `broadcast ${id} ${state}`);
  const replay = (id: string, file: string, who: TestUser) => call('GET', `/v1/broadcasts/${id}/replay/${file}`, who);
  const expectCode = async (res: Response, status: number, code: string) => {
    expect(res.status).toBe(status);
    expect((await json(res)).error.code).toBe(code);
  };

  it('serves the recording after the end to the audience only, then expires it: files deleted, 410 for the owner too', async () => {
    const b = await json(await call('POST', '/v1/broadcasts', ann, newBroadcast({ visibility: 'followers' })));
    await sfu.joined(b.id, 'node-a', ann.id);
    await waitForState(b.id, 'live');
    await expectCode(await replay(b.id, 'index.m3u8', ann), 409, 'STREAM_SESSIONS.REPLAY_NOT_READY');
    const segments = writeRecording(replayDir, b.id);
    expect(segments.length).toBeGreaterThanOrEqual(2);
    const end = await json(await call('POST', `/v1/broadcasts/${b.id}/end`, ann));
    await sfu.recordingFinished(b.id, 'node-a', 4000, segments.length);
    await waitForState(b.id, 'replay_ready');

    const [event] = (await ready.waitFor(1)).filter((e) => e.message.broadcastId === b.id);
    expect(event.message).toMatchObject({ ownerId: ann.id, durationMs: 4000n });
    expect(timestampDate(event.message.expiresAt!).getTime() - new Date(end.endedAt).getTime()).toBe(TTL_SECONDS * 1000);

    // The playlist and every segment it lists, for the owner and for a follower.
    for (const who of [ann, cat]) {
      const res = await replay(b.id, 'index.m3u8', who);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('application/vnd.apple.mpegurl');
      const playlist = await res.text();
      expect(playlist).toContain('#EXT-X-ENDLIST');
      const listed = playlist.split('\n').filter((l) => l.endsWith('.ts'));
      expect(listed.sort()).toEqual([...segments].sort());
      for (const name of listed) {
        const seg = await replay(b.id, name, who);
        expect(seg.status).toBe(200);
        expect(seg.headers.get('content-type')).toBe('video/mp2t');
        expect((await seg.arrayBuffer()).byteLength).toBe(statSync(join(replayDir, b.id, name)).size);
      }
    }
    // Same audience rules as live: bob does not follow ann.
    await expectCode(await replay(b.id, 'index.m3u8', bob), 403, 'STREAM_SESSIONS.NOT_ADMITTED');
    await expectCode(await replay(b.id, segments[0], bob), 403, 'STREAM_SESSIONS.NOT_ADMITTED');
    // File names are validated strictly: no paths, no other files.
    for (const bad of ['..%2F..%2F..%2Fetc%2Fpasswd', '..%2Findex.m3u8', 'index.m3u8.bak', '.hidden.ts', 'a%00.ts', '%2Fetc%2Fpasswd']) {
      const res = await replay(b.id, bad, ann);
      expect([400, 404]).toContain(res.status);
      expect((await json(res)).error.code).toMatch(/^(REQUEST|STREAM_SESSIONS)\./);
    }
    await expectCode(await replay(b.id, 'index9.ts', ann), 404, 'STREAM_SESSIONS.REPLAY_FILE_NOT_FOUND');

    // The TTL passes: expired for everyone, files gone, broadcast.expired.v1.
    await waitForState(b.id, 'expired');
    expect(Date.now()).toBeGreaterThanOrEqual(new Date(end.endedAt).getTime() + TTL_SECONDS * 1000);
    expect(existsSync(join(replayDir, b.id))).toBe(false);
    for (const who of [ann, cat]) {
      await expectCode(await replay(b.id, 'index.m3u8', who), 410, 'STREAM_SESSIONS.REPLAY_EXPIRED');
      await expectCode(await replay(b.id, segments[0], who), 410, 'STREAM_SESSIONS.REPLAY_EXPIRED');
    }
    await waitUntil(() => expired.events.some((e) => e.message.broadcastId === b.id), 20_000, 'expired event');
    expect(expired.events.find((e) => e.message.broadcastId === b.id)!.message.ownerId).toBe(ann.id);
  }, 90_000);

  it('handles a recording that finishes before the end: the auto-end goes straight on to replay_ready', async () => {
    const b = await json(await call('POST', '/v1/broadcasts', ann, newBroadcast()));
    await sfu.joined(b.id, 'node-a', ann.id);
    await waitForState(b.id, 'live');
    const segments = writeRecording(replayDir, b.id);
    // The SFU finalises the recording as soon as the publisher leaves; the end comes after the grace.
    await sfu.left(b.id, 'node-a', ann.id);
    await sfu.recordingFinished(b.id, 'node-a', 4000, segments.length);
    await waitForState(b.id, 'replay_ready');
    expect(await get(b.id)).toMatchObject({ endReason: 'publisher_gone' });
    await waitUntil(() => ready.events.some((e) => e.message.broadcastId === b.id), 20_000, 'replay_ready event');
    expect((await replay(b.id, 'index.m3u8', bob)).status).toBe(200);
    await waitForState(b.id, 'expired');
    expect(existsSync(join(replayDir, b.id))).toBe(false);
    // A recording reported after the expiry is deleted at once, and the replay stays gone.
    writeRecording(replayDir, b.id);
    await sfu.recordingFinished(b.id, 'node-a', 4000, segments.length);
    await waitUntil(() => !existsSync(join(replayDir, b.id)), 20_000, 'late files deleted');
    await expectCode(await replay(b.id, 'index.m3u8', ann), 410, 'STREAM_SESSIONS.REPLAY_EXPIRED');
  }, 90_000);

  it('expires a broadcast that never got a recording, too', async () => {
    const b = await json(await call('POST', '/v1/broadcasts', ann, newBroadcast()));
    await call('POST', `/v1/broadcasts/${b.id}/end`, ann);
    await expectCode(await replay(b.id, 'index.m3u8', ann), 409, 'STREAM_SESSIONS.REPLAY_NOT_READY');
    await waitForState(b.id, 'expired');
    await expectCode(await replay(b.id, 'index.m3u8', ann), 410, 'STREAM_SESSIONS.REPLAY_EXPIRED');
  }, 60_000);
});
