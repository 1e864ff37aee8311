// Test-only: the WebRTC load client (tools/loadclient) and a LiveKit server to point it at,
// as `tools/onair infra up loadclient livekit` provides them.
import { freePorts, startLiveKitServer, type LiveKitServer, type TestContext } from '@onair/testing';
import { execFile, spawn } from 'node:child_process';

/** What one subscriber saw of one track (tools/loadclient/rtp_stats.go). */
export interface TrackSummary {
  kind: 'video' | 'audio';
  packets: number;
  expected: number;
  lost: number;
  firstPacketMs: number;
  keyFrames?: number;
  width?: number;
  height?: number;
}

/** The load client's JSON summary on stdout (tools/loadclient/summary.go). */
export interface LoadSummary {
  sfu: 'onair' | 'livekit';
  subscribers: number;
  receiving: number;
  lost: number;
  packets: number;
  packetsLost: number;
  lossPercent: number;
  firstVideoPacketMsMedian: number;
  results: Array<{ id: number; error?: string; receiving: boolean; tracks: TrackSummary[]; spatialLayer?: number }>;
}

function need(value: string | undefined, what: string): string {
  if (!value) throw new Error(`${what} is not set: run "tools/onair infra up loadclient livekit"`);
  return value;
}

/** Runs `loadclient <mode> <args>` to its end and parses its summary. */
export function runLoadClient(ctx: TestContext, mode: 'onair' | 'livekit', args: string[]): Promise<LoadSummary> {
  const bin = need(ctx.infra.loadclientBin, 'ONAIR_LOADCLIENT_BIN');
  return new Promise((resolve, reject) => {
    execFile(bin, [mode, ...args], { timeout: 120_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`loadclient ${mode} failed: ${err.message}\n${stderr.slice(-3000)}`));
      try {
        resolve(JSON.parse(stdout) as LoadSummary);
      } catch {
        reject(new Error(`loadclient ${mode} printed no summary:\n${stdout.slice(-2000)}\n${stderr.slice(-2000)}`));
      }
    });
  });
}

export type RunningLiveKit = Pick<LiveKitServer, 'url' | 'apiKey' | 'apiSecret' | 'config'>;

/** LiveKit at its defaults for a one-to-many room (libs/testing/src/livekit-server.ts), stopped at cleanup. */
export async function startLiveKit(ctx: TestContext): Promise<RunningLiveKit> {
  const server = await startLiveKitServer(need(ctx.infra.livekitBin, 'ONAIR_LIVEKIT_BIN'), { basePort: await freePorts(3) });
  ctx.onCleanup(() => server.stop());
  return server;
}

/** The load client's LiveKit flags for `room`. */
export function liveKitArgs(lk: RunningLiveKit, room: string): string[] {
  return ['-url', lk.url, '-api-key', lk.apiKey, '-api-secret', lk.apiSecret, '-room', room];
}

/**
 * Publishes the load client's clip (VP8 simulcast 320x180/640x360/1280x720 + Opus, looped)
 * until cleanup: `livekit-publish` into a room, or `onair-publish` as a new broadcast. Resolves
 * with the publisher's first stdout line once both tracks are published.
 */
export async function publishClip(ctx: TestContext, mode: 'onair-publish' | 'livekit-publish', args: string[]): Promise<{ broadcastId?: string }> {
  const bin = need(ctx.infra.loadclientBin, 'ONAIR_LOADCLIENT_BIN');
  const clip = need(ctx.infra.loadclientClip, 'ONAIR_LOADCLIENT_CLIP');
  const child = spawn(bin, [mode, ...args, '-clip', clip], { stdio: ['ignore', 'pipe', 'pipe'] });
  ctx.onCleanup(async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });
  let stdout = '';
  let stderr = '';
  child.stderr?.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the clip was not published within 30 s:\n${stderr}`)), 30_000);
    child.stdout?.on('data', (d) => {
      stdout += d;
      if (!stdout.includes('\n')) return;
      clearTimeout(timer);
      resolve(JSON.parse(stdout.slice(0, stdout.indexOf('\n'))) as { broadcastId?: string });
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${mode} exited with ${code}:\n${stderr}`));
    });
  });
}

/** The clip's simulcast layers, lowest first (tools/infra/loadclient.sh). */
const LAYER_SIZES = [
  [320, 180],
  [640, 360],
  [1280, 720],
];

/**
 * Every subscriber received RTP on its video and audio, the video's key frames at the top
 * layer's size, or, with `anyLayer`, at one of the clip's layer sizes.
 */
export function expectAllReceiving(summary: LoadSummary, n: number, { anyLayer = false } = {}): void {
  const failures = summary.results.filter((r) => !r.receiving).map((r) => `#${r.id}: ${r.error ?? 'no RTP'}`);
  expect(failures).toEqual([]);
  expect(summary).toMatchObject({ subscribers: n, receiving: n, lost: 0 });
  for (const r of summary.results) {
    expect(r.tracks.map((t) => t.kind).sort()).toEqual(['audio', 'video']);
    for (const t of r.tracks) expect(t.packets).toBeGreaterThan(0);
    const video = r.tracks.find((t) => t.kind === 'video');
    expect(video?.keyFrames).toBeGreaterThan(0);
    expect(anyLayer ? LAYER_SIZES : [LAYER_SIZES[2]]).toContainEqual([video?.width, video?.height]);
  }
}
