import { timestampMs } from '@bufbuild/protobuf/wkt';
import { PublisherJoinedEvent, PublisherLeftEvent, RecordingFinishedEvent } from '@onair/contracts';
import { startTelemetry } from '@onair/telemetry';
import { EventCollector, waitUntil } from '@onair/testing';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { ok, publishTestPattern, sfuSuite, SignalClient } from '../sfu-worker.test-app.js';
import { summarizePlaylist } from './hls-playlist.js';
import { stampedSegments } from './program-date-time.js';

/**
 * For each segment, how long after the end its EXT-X-PROGRAM-DATE-TIME + #EXTINF claim its
 * file was complete (mtime; segments are renamed into place complete). Players and the bench
 * measure live latency from the stamps: a negative lag (a file complete before the media in it
 * ended) means the stamps are late and the latency understated.
 */
function completionLagsMs(dir: string, text: string): number[] {
  return stampedSegments(text).map((s) => Math.round(statSync(join(dir, s.uri)).mtimeMs - (s.startMs + s.durationMs)));
}
const honestLag = (lag: number) => lag >= -150 && lag <= 1000;

startTelemetry({ serviceName: 'sfu-worker' });

describe('recording a broadcast to HLS in the replay store', () => {
  // A Router as full as its recording (2 consumers), as a node of the relay tree can be.
  const suite = sfuSuite('sfu_recording', { SFU_RECORDING: 'true', SFU_MAX_CONSUMERS_PER_ROUTER: '2' });
  const { ctx } = suite;

  it('records an ffmpeg-fed broadcast as a live EVENT playlist that grows, then a VOD playlist covering its duration, playable by ffmpeg', async () => {
    const [joined, left, finished] = await Promise.all([
      EventCollector.start(ctx, PublisherJoinedEvent),
      EventCollector.start(ctx, PublisherLeftEvent),
      EventCollector.start(ctx, RecordingFinishedEvent),
    ]);
    const broadcastId = randomUUID();
    const publisher = await SignalClient.join(ctx, suite.sfu.signallingUrl(await suite.issuer.sign({ broadcastId, role: 'publish', nodeId: suite.sfu.nodeId })));
    const media = await publishTestPattern(ctx, suite.sfu, publisher, broadcastId);
    const publishedAt = Date.now();
    // While live the playlist is there to read (the live HLS): an EVENT playlist without an end,
    // each segment stamped with its wall-clock start, growing; no half-written segment is named.
    const dir = join(suite.sfu.replayDir, broadcastId);
    const livePlaylist = () => readFileSync(join(dir, 'index.m3u8'), 'utf8');
    const segmentNames = (text: string) => text.split('\n').filter((l) => l.endsWith('.ts'));
    await waitUntil(() => existsSync(join(dir, 'index.m3u8')) && summarizePlaylist(livePlaylist()).segments >= 2, 20_000, 'two live segments');
    const early = livePlaylist();
    expect(early).toContain('#EXT-X-PLAYLIST-TYPE:EVENT');
    expect(early).not.toContain('#EXT-X-ENDLIST');
    const stamps = [...early.matchAll(/^#EXT-X-PROGRAM-DATE-TIME:(.+)$/gm)].map((m) => Date.parse(m[1].replace(/([+-]\d\d)(\d\d)$/, '$1:$2')));
    expect(stamps.length).toBe(summarizePlaylist(early).segments);
    expect(Math.abs(stamps[0] - Date.now())).toBeLessThan(30_000);
    for (const name of segmentNames(early)) expect(existsSync(join(dir, name))).toBe(true);
    await waitUntil(() => segmentNames(livePlaylist()).length > segmentNames(early).length, 10_000, 'the live playlist to grow');
    expect(segmentNames(livePlaylist()).slice(0, segmentNames(early).length)).toEqual(segmentNames(early));
    // Honest stamps: each live segment ends (by its stamp) at most a little before its file is
    // complete (encoding, the rename), and not after.
    const liveLags = completionLagsMs(dir, livePlaylist());
    expect({ liveLags, honest: liveLags.every(honestLag) }).toEqual({ liveLags, honest: true });
    await new Promise((r) => setTimeout(r, Math.max(0, 10_000 - (Date.now() - publishedAt))));
    ok(await publisher.request('leave'));
    await media.stop();
    const leftAt = Date.now();

    const [done] = await finished.waitFor(1, 45_000);
    // ffmpeg is told the input ended (RTCP BYE) rather than left to wait 10 s for a packet.
    expect(Date.now() - leftAt).toBeLessThan(5_000);
    const [start] = await joined.waitFor(1);
    const [end] = await left.waitFor(1);
    const broadcastMs = Number(timestampMs(end.message.at!) - timestampMs(start.message.at!));
    expect(broadcastMs).toBeGreaterThan(9_500);

    const text = readFileSync(join(dir, 'index.m3u8'), 'utf8');
    const summary = summarizePlaylist(text);
    expect(text).toContain('#EXT-X-PLAYLIST-TYPE:VOD');
    expect(text.trimEnd().endsWith('#EXT-X-ENDLIST')).toBe(true);
    expect(done.key).toBe(broadcastId);
    expect(done.message).toMatchObject({ broadcastId, nodeId: suite.sfu.nodeId, playlist: `${broadcastId}/index.m3u8`, segments: summary.segments });
    expect(Number(done.message.durationMs)).toBe(summary.durationMs);
    expect(Math.abs(summary.durationMs - broadcastMs)).toBeLessThanOrEqual(2_000);
    // 2 s segments: every one but the last is ~2 s, and each is on disk.
    const durations = [...text.matchAll(/#EXTINF:([0-9.]+)/g)].map((m) => Number(m[1]));
    for (const d of durations.slice(0, -1)) {
      expect(d).toBeGreaterThan(1.5);
      expect(d).toBeLessThan(2.6);
    }
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
    expect(files).toHaveLength(summary.segments);
    // The replay keeps the live stamps; the last segment was only closed when ffmpeg exited.
    const replayLags = completionLagsMs(dir, text).slice(0, -1);
    expect({ replayLags, honest: replayLags.every(honestLag) }).toEqual({ replayLags, honest: true });
    expect(readdirSync(dir).filter((f) => f.endsWith('.m3u8'))).toEqual(['index.m3u8']);

    const play = spawnSync(ctx.infra.ffmpegBin ?? '/usr/bin/ffmpeg', ['-v', 'error', '-i', join(dir, 'index.m3u8'), '-f', 'null', '-'], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect({ status: play.status, stderr: play.stderr }).toEqual({ status: 0, stderr: '' });
    const probe = spawnSync('/usr/bin/ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name,height', '-of', 'csv=p=0', join(dir, 'index.m3u8')], {
      encoding: 'utf8',
    });
    expect(probe.stdout).toMatch(/h264,360/);
    expect(probe.stdout).toMatch(/aac/);
  }, 120_000);

  it('a publisher who returns while the recording before is finishing continues the playlist after it: one ffmpeg at a time, no segment written twice', async () => {
    const finished = await EventCollector.start(ctx, RecordingFinishedEvent);
    const broadcastId = randomUUID();
    const dir = join(suite.sfu.replayDir, broadcastId);
    const playlist = () => (existsSync(join(dir, 'index.m3u8')) ? readFileSync(join(dir, 'index.m3u8'), 'utf8') : '');
    const segmentNames = (text: string) => text.split('\n').filter((l) => l.endsWith('.ts'));
    const secondPart = () => segmentNames(playlist().split('#EXT-X-DISCONTINUITY')[2] ?? '');
    // The recorders (ffmpeg) writing into this broadcast's folder, now.
    const recorders = () => readdirSync('/proc').filter((pid) => /^\d+$/.test(pid) && cmdline(pid).includes(`${dir}/segment-`));
    let producerIds: string[] = [];
    const publish = async () => {
      const publisher = await SignalClient.join(ctx, suite.sfu.signallingUrl(await suite.issuer.sign({ broadcastId, role: 'publish', nodeId: suite.sfu.nodeId })));
      const media = await publishTestPattern(ctx, suite.sfu, publisher, broadcastId);
      producerIds = [media.videoProducerId, media.audioProducerId];
      return async () => {
        ok(await publisher.request('leave'));
        await media.stop();
      };
    };
    let most = 0;
    let first: string[] = [];
    let held: number | undefined;
    const sampler = setInterval(() => (most = Math.max(most, recorders().length)), 25);
    try {
      const leave = await publish();
      await waitUntil(() => segmentNames(playlist()).length >= 2, 30_000, 'two segments');
      first = segmentNames(playlist());
      // The first recording is slow to finish (a loaded node): its ffmpeg is held still.
      held = Number(recorders()[0]);
      process.kill(held, 'SIGSTOP');
      await leave();
      // Back at once (a phone between networks). Past the wait for a second Producer and a
      // recorder's start, no second ffmpeg has started.
      const leaveAgain = await publish();
      // A viewer comes meanwhile: the Router's two slots are held for the recording, which
      // would otherwise be refused for a full Router when its turn comes (no replay of this part).
      const viewer = await suite.sfu.join(broadcastId, 'consume');
      const caps = ok(await viewer.request('getRouterRtpCapabilities')).rtpCapabilities;
      const recv = ok(await viewer.request('createWebRtcTransport', { direction: 'recv' }));
      const consumed = await Promise.all(producerIds.map((producerId) => viewer.request('consume', { transportId: recv.id, producerId, rtpCapabilities: caps })));
      expect(consumed.map((c) => c.error?.code)).toEqual(['SFU.ROOM_FULL', 'SFU.ROOM_FULL']);
      await new Promise((r) => setTimeout(r, 3000));
      expect(recorders()).toEqual([String(held)]);
      process.kill(held, 'SIGCONT');
      held = undefined;
      await waitUntil(() => secondPart().length >= 3, 30_000, 'three segments after the return');
      await leaveAgain();
      // One RecordingFinished per part (the collector reads the topic from its start).
      await waitUntil(() => finished.events.filter((e) => e.key === broadcastId).length === 2, 45_000, 'both parts finished');
    } finally {
      clearInterval(sampler);
      if (held) process.kill(held, 'SIGCONT');
    }
    expect(most).toBe(1);
    const text = playlist();
    expect(text).toContain('#EXT-X-PLAYLIST-TYPE:VOD');
    const names = segmentNames(text);
    expect(new Set(names).size).toBe(names.length);
    expect(names.slice(0, first.length)).toEqual(first);
    expect(readdirSync(dir).filter((f) => f.endsWith('.ts')).sort()).toEqual([...names].sort());
    // Each part is an encoder run of its own (its timestamps start again): the playlist marks
    // where the second begins, as HLS requires, and every segment decodes cleanly.
    const parts = text.split('#EXT-X-DISCONTINUITY').slice(1).map(segmentNames);
    expect(parts).toHaveLength(2);
    expect(parts[0].slice(0, first.length)).toEqual(first);
    expect(parts[1].length).toBeGreaterThanOrEqual(3);
    for (const name of names) {
      const play = spawnSync(ctx.infra.ffmpegBin ?? '/usr/bin/ffmpeg', ['-v', 'error', '-i', join(dir, name), '-f', 'null', '-'], { encoding: 'utf8', timeout: 30_000 });
      expect({ name, status: play.status, stderr: play.stderr }).toEqual({ name, status: 0, stderr: '' });
    }
  }, 120_000);
});

/** A process's command line ('' once it has gone). */
function cmdline(pid: string): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'latin1');
  } catch {
    return '';
  }
}
