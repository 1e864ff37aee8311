// A broadcast for the media benches: VP8 at about 600 kbps (360p30, key frame every 2 s) and
// Opus, encoded once into the cache, then sent in real time by `ffmpeg -c copy` into a
// Producer's PlainTransports. Copying instead of encoding live keeps the publisher's CPU off
// the figures.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const VIDEO_RTP = { ssrc: 11111111, payloadType: 101 };
export const AUDIO_RTP = { ssrc: 22222222, payloadType: 100 };
export const CLIP_KBPS = 600;
/**
 * Longer than a bench run: where `-stream_loop` starts the clip over, the stream shows a
 * short burst of loss that is ffmpeg's, not the SFU's.
 */
export const CLIP_SECONDS = 300;

/** The cached clip (encoded on first use, about a minute of work). */
export function testClip(ffmpeg: string): string {
  const dir = join(process.env.ONAIR_CACHE ?? join(homedir(), '.cache/onair'), 'bench');
  const clip = join(dir, `vp8-${CLIP_KBPS}k-opus-${CLIP_SECONDS}s.webm`);
  if (existsSync(clip)) return clip;
  mkdirSync(dir, { recursive: true });
  process.stderr.write(`encoding the test clip into ${clip}\n`);
  const partial = `${clip}.partial.webm`;
  // Noise keeps the encoder at its target: a clean test pattern would compress far below it.
  const run = spawnSync(ffmpeg, [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30,noise=alls=12:allf=t',
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=48000',
    '-t', String(CLIP_SECONDS),
    '-c:v', 'libvpx', '-b:v', `${CLIP_KBPS}k`, '-minrate', `${CLIP_KBPS}k`, '-maxrate', `${CLIP_KBPS}k`,
    '-g', '60', '-deadline', 'good', '-cpu-used', '4',
    '-c:a', 'libopus', '-b:a', '48k', '-ac', '2',
    partial,
  ], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (run.status !== 0 || !existsSync(partial) || statSync(partial).size === 0) throw new Error(`ffmpeg could not encode ${clip}`);
  renameSync(partial, clip);
  return clip;
}

/** Sends the clip in a loop, in real time, as RTP to a video and an audio PlainTransport. */
export function sendClip(ffmpeg: string, clip: string, video: { rtp: number; rtcp: number }, audio: { rtp: number; rtcp: number }): ChildProcess {
  const url = (p: { rtp: number; rtcp: number }) => `rtp://127.0.0.1:${p.rtp}?rtcpport=${p.rtcp}&pkt_size=1200`;
  return spawn(ffmpeg, [
    '-hide_banner', '-loglevel', 'error', '-nostdin', '-re', '-stream_loop', '-1', '-i', clip,
    '-map', '0:v', '-c', 'copy', '-ssrc', String(VIDEO_RTP.ssrc), '-payload_type', String(VIDEO_RTP.payloadType), '-f', 'rtp', url(video),
    '-map', '0:a', '-c', 'copy', '-ssrc', String(AUDIO_RTP.ssrc), '-payload_type', String(AUDIO_RTP.payloadType), '-f', 'rtp', url(audio),
  ], { stdio: ['ignore', 'ignore', 'inherit'] });
}
