import { timestampMs } from '@bufbuild/protobuf/wkt';
import { PublisherJoinedEvent, PublisherLeftEvent, RecordingFinishedEvent } from '@onair/contracts';
import { startTelemetry } from '@onair/telemetry';
import { EventCollector } from '@onair/testing';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { ok, publishTestPattern, sfuSuite, SignalClient } from '../sfu-worker.test-app.js';
import { summarizePlaylist } from './hls-playlist.js';

startTelemetry({ serviceName: 'sfu-worker' });

describe('recording a broadcast to HLS in the replay store', () => {
  const suite = sfuSuite('sfu_recording', { SFU_RECORDING: 'true' });
  const { ctx } = suite;

  it('records ~10 s of an ffmpeg-fed broadcast as a VOD playlist covering its duration, playable by ffmpeg', async () => {
    const [joined, left, finished] = await Promise.all([
      EventCollector.start(ctx, PublisherJoinedEvent),
      EventCollector.start(ctx, PublisherLeftEvent),
      EventCollector.start(ctx, RecordingFinishedEvent),
    ]);
    const broadcastId = randomUUID();
    const publisher = await SignalClient.join(ctx, suite.sfu.signallingUrl(await suite.issuer.sign({ broadcastId, role: 'publish', nodeId: suite.sfu.nodeId })));
    const media = await publishTestPattern(ctx, suite.sfu, publisher, broadcastId);
    await new Promise((r) => setTimeout(r, 10_000));
    ok(await publisher.request('leave'));
    await media.stop();

    const [done] = await finished.waitFor(1, 45_000);
    const [start] = await joined.waitFor(1);
    const [end] = await left.waitFor(1);
    const broadcastMs = Number(timestampMs(end.message.at!) - timestampMs(start.message.at!));
    expect(broadcastMs).toBeGreaterThan(9_500);

    const dir = join(suite.sfu.replayDir, broadcastId);
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
});
