import { json, TestContext, waitUntil, type TestUser } from '@onair/testing';
import { startTelemetry } from '@onair/telemetry';
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FakeSfu, httpClient, newBroadcast, startPlatform } from '../stream-sessions.test-app.js';

startTelemetry({ serviceName: 'stream-sessions' });

/**
 * A live recording as the SFU's recorder writes it (services/sfu-worker/src/recording/recorder.ts:
 * EVENT playlist, 2 s segments, program_date_time, temp_file), from ffmpeg's test pattern in real
 * time. `stop()` ends it as the recorder does: ffmpeg writes its last segment and #EXT-X-ENDLIST.
 */
function startLiveRecording(ctx: TestContext, replayDir: string, broadcastId: string) {
  const dir = join(replayDir, broadcastId);
  mkdirSync(dir, { recursive: true });
  const ffmpeg = spawn(ctx.infra.ffmpegBin ?? '/usr/bin/ffmpeg', [
    '-hide_banner', '-nostdin', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc=size=320x240:rate=25', '-t', '90',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-tune', 'zerolatency', '-pix_fmt', 'yuv420p', '-force_key_frames', 'expr:gte(t,n_forced*2)',
    '-f', 'hls', '-hls_time', '2', '-hls_playlist_type', 'event', '-hls_flags', 'append_list+independent_segments+program_date_time+temp_file',
    '-hls_segment_filename', join(dir, 'segment-%05d.ts'), join(dir, 'index.m3u8'),
  ], { stdio: ['ignore', 'ignore', 'inherit'] });
  const exited = new Promise((resolve) => ffmpeg.once('exit', resolve));
  ctx.onCleanup(async () => {
    ffmpeg.kill('SIGKILL');
    await exited;
  });
  return {
    stop: async () => {
      ffmpeg.kill('SIGINT');
      await exited;
    },
  };
}

const segmentsOf = (playlist: string) => playlist.split('\n').filter((l) => l.endsWith('.ts'));

describe('live HLS: the recording served while live to the audience, then the same segments as the replay', () => {
  const ctx = TestContext.create('ss_live_hls');
  let call: ReturnType<typeof httpClient>;
  let replayDir: string;
  let sfu: FakeSfu;
  let ann: TestUser, bob: TestUser, cat: TestUser;

  beforeAll(async () => {
    const platform = await startPlatform(ctx);
    call = httpClient(platform.sessions.url);
    replayDir = platform.sessions.replayDir;
    sfu = await FakeSfu.connect(ctx);
    [ann, bob, cat] = await Promise.all([ctx.newUser(), ctx.newUser(), ctx.newUser()]);
    expect((await httpClient(platform.graph.url)('POST', `/v1/graph/follows/${ann.id}`, cat)).status).toBe(201);
  });
  afterAll(() => ctx.cleanup());

  const state = async (id: string) => (await json(await call('GET', `/v1/broadcasts/${id}`, ann))).state;
  const waitForState = (id: string, wanted: string) => waitUntil(async () => (await state(id)) === wanted, 20_000, `broadcast ${id} ${wanted}`);
  const live = (id: string, file: string, who: TestUser) => call('GET', `/v1/broadcasts/${id}/live/${file}`, who);
  const expectCode = async (res: Response, status: number, code: string) => {
    expect({ status: res.status, code: (await json(res)).error?.code }).toEqual({ status, code });
  };

  it('serves the growing playlist and its segments while live, to the audience only; after the end they are the replay', async () => {
    const b = await json(await call('POST', '/v1/broadcasts', ann, newBroadcast({ visibility: 'followers' })));
    await expectCode(await live(b.id, 'index.m3u8', ann), 409, 'STREAM_SESSIONS.LIVE_HLS_NOT_STARTED');
    await sfu.joined(b.id, 'node-a', ann.id);
    await waitForState(b.id, 'live');
    const recording = startLiveRecording(ctx, replayDir, b.id);

    // The playlist while live: EVENT, no end, each segment with its wall-clock start; cached 1 s, privately.
    let first = '';
    await waitUntil(async () => {
      const res = await live(b.id, 'index.m3u8', cat);
      first = res.status === 200 ? await res.text() : '';
      return segmentsOf(first).length >= 2;
    }, 30_000, 'a live playlist with two segments');
    const res = await live(b.id, 'index.m3u8', cat);
    expect(res.headers.get('content-type')).toContain('application/vnd.apple.mpegurl');
    expect(res.headers.get('cache-control')).toBe('private, max-age=1');
    const playlist = await res.text();
    expect(playlist).toContain('#EXT-X-PLAYLIST-TYPE:EVENT');
    expect(playlist).not.toContain('#EXT-X-ENDLIST');
    expect(playlist.match(/^#EXT-X-PROGRAM-DATE-TIME:/gm)?.length).toBe(segmentsOf(playlist).length);

    // It grows, keeping what it listed.
    let later = '';
    await waitUntil(async () => {
      later = await (await live(b.id, 'index.m3u8', cat)).text();
      return segmentsOf(later).length > segmentsOf(first).length;
    }, 10_000, 'the live playlist to grow');
    expect(segmentsOf(later).slice(0, segmentsOf(first).length)).toEqual(segmentsOf(first));

    // Each segment it lists, byte for byte, cached for a day (it never changes), privately.
    const servedLive = new Map<string, Buffer>();
    for (const name of segmentsOf(later)) {
      const seg = await live(b.id, name, cat);
      expect({ status: seg.status, type: seg.headers.get('content-type'), cache: seg.headers.get('cache-control') }).toEqual({
        status: 200,
        type: 'video/mp2t',
        cache: 'private, max-age=86400, immutable',
      });
      const bytes = Buffer.from(await seg.arrayBuffer());
      expect(bytes.equals(readFileSync(join(replayDir, b.id, name)))).toBe(true);
      servedLive.set(name, bytes);
    }

    // The audience rules of watching: bob does not follow ann. Names are checked strictly.
    await expectCode(await live(b.id, 'index.m3u8', bob), 403, 'STREAM_SESSIONS.NOT_ADMITTED');
    await expectCode(await live(b.id, segmentsOf(later)[0], bob), 403, 'STREAM_SESSIONS.NOT_ADMITTED');
    for (const bad of ['..%2F..%2F..%2Fetc%2Fpasswd', '..%2Findex.m3u8', 'index.m3u8.bak', 'segment-00000.ts.tmp', '.hidden.ts', 'a%00.ts', '%2Fetc%2Fpasswd']) {
      await expectCode(await live(b.id, bad, cat), 400, 'REQUEST.VALIDATION_FAILED');
    }
    await expectCode(await live(b.id, 'segment-99999.ts', cat), 404, 'STREAM_SESSIONS.LIVE_HLS_FILE_NOT_FOUND');
    // A refusal is never kept by a cache: the same URL answers once the segment exists.
    expect((await live(b.id, 'segment-99999.ts', cat)).headers.get('cache-control')).toBe('no-store');

    // The end: the recording stops (the SFU then reports it), the live URLs are gone.
    await recording.stop();
    expect((await call('POST', `/v1/broadcasts/${b.id}/end`, ann)).status).toBe(200);
    await waitUntil(async () => (await live(b.id, 'index.m3u8', cat)).status === 410, 5_000, 'the live playlist gone');
    await expectCode(await live(b.id, 'index.m3u8', cat), 410, 'STREAM_SESSIONS.LIVE_HLS_ENDED');
    await expectCode(await live(b.id, segmentsOf(later)[0], cat), 410, 'STREAM_SESSIONS.LIVE_HLS_ENDED');
    const final = readFileSync(join(replayDir, b.id, 'index.m3u8'), 'utf8');
    await sfu.recordingFinished(b.id, 'node-a', 2000 * segmentsOf(final).length, segmentsOf(final).length);
    await waitForState(b.id, 'replay_ready');

    // The replay lists every segment served live (and the last ones), and they are the same bytes.
    const replay = await (await call('GET', `/v1/broadcasts/${b.id}/replay/index.m3u8`, cat)).text();
    expect(replay).toContain('#EXT-X-ENDLIST');
    expect(segmentsOf(replay).slice(0, servedLive.size)).toEqual([...servedLive.keys()]);
    for (const [name, bytes] of servedLive) {
      const seg = await call('GET', `/v1/broadcasts/${b.id}/replay/${name}`, cat);
      expect(seg.status).toBe(200);
      expect(Buffer.from(await seg.arrayBuffer()).equals(bytes)).toBe(true);
    }
  }, 120_000);

  it('lets shared caches keep a public broadcast’s files, and keeps serving a recording finalised while the publisher may come back', async () => {
    const b = await json(await call('POST', '/v1/broadcasts', ann, newBroadcast({ visibility: 'public' })));
    await sfu.joined(b.id, 'node-a', ann.id);
    await waitForState(b.id, 'live');
    // What the SFU leaves when its publisher left (VOD, an end), while the broadcast is live in its grace.
    const dir = join(replayDir, b.id);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'index.m3u8'), '#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-PLAYLIST-TYPE:VOD\n#EXTINF:2.0,\nsegment-00000.ts\n#EXT-X-ENDLIST\n');
    writeFileSync(join(dir, 'segment-00000.ts'), Buffer.alloc(188 * 4, 0x47));

    const res = await live(b.id, 'index.m3u8', bob);
    expect({ status: res.status, cache: res.headers.get('cache-control') }).toEqual({ status: 200, cache: 'public, max-age=1' });
    expect(await res.text()).toBe('#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXT-X-PLAYLIST-TYPE:EVENT\n#EXTINF:2.0,\nsegment-00000.ts\n');
    const seg = await live(b.id, 'segment-00000.ts', bob);
    expect({ status: seg.status, cache: seg.headers.get('cache-control'), length: seg.headers.get('content-length') }).toEqual({
      status: 200,
      cache: 'public, max-age=86400, immutable',
      length: String(188 * 4),
    });
    await expectCode(await live('00000000-0000-4000-8000-000000000000', 'index.m3u8', bob), 404, 'STREAM_SESSIONS.BROADCAST_NOT_FOUND');
  }, 60_000);
});
