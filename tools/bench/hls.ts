// tools/onair bench hls: the live HLS under a crowd, through the running platform's edge. The
// load client (tools/loadclient, onair-publish) goes live with its VP8 simulcast + Opus clip;
// the SFU node records it (H.264 360p, 2 s segments), and stream-sessions serves the growing
// playlist at /v1/broadcasts/:id/live/index.m3u8. Then k6 (support/hls-viewers.k6.mjs) ramps up
// to BENCH_VIEWERS virtual viewers, each reloading the playlist every target duration and
// fetching each new segment through the edge with a viewer's access token, as hls.js does
// (BENCH_ACCOUNTS accounts shared among them). No CDN in front: every request reaches the edge,
// whose shared cache (services/edge/src/shared-cache) answers all but the first request per
// segment and per playlist second. Prints progress on stderr, then one line:
//   hls: <n> viewers, segment fetch p99 <a> ms, live-edge latency p50 <b> s, <e> errors
// Live-edge latency: when a viewer has a segment, minus the wall-clock end of its media
// (EXT-X-PROGRAM-DATE-TIME + its duration): how far behind real time the newest picture a
// player could show is (hls.js plays ~2 segments behind that). Targets: p99 < 200 ms, latency
// < 4 s, 0 errors. Knobs: BENCH_VIEWERS (2000), BENCH_RAMP_S (30), BENCH_HOLD_S (60),
// BENCH_ACCOUNTS (20), BENCH_EDGE_URL (http://127.0.0.1:8080).
// needs: platform k6
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { localEnv, repoRoot } from './support/local-env.ts';
import { accessTokenOf, newAccount } from './support/web-accounts.ts';

const VIEWERS = Number(process.env.BENCH_VIEWERS ?? 2000);
const RAMP_S = Number(process.env.BENCH_RAMP_S ?? 30);
const HOLD_S = Number(process.env.BENCH_HOLD_S ?? 60);
const ACCOUNTS = Number(process.env.BENCH_ACCOUNTS ?? 20);
const EDGE = process.env.BENCH_EDGE_URL ?? 'http://127.0.0.1:8080';
const SCRIPT = join(import.meta.dirname, 'support/hls-viewers.k6.mjs');
/** k6's own log: a line per failed request, thousands on an overloaded run. */
const K6_LOG = join(process.env.ONAIR_STATE ?? join(repoRoot, '.onair'), 'logs/bench-hls-k6.log');
const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface K6Summary {
  viewers: number;
  segmentFetchP99Ms: number | null;
  segmentFetchP50Ms: number | null;
  segments: number;
  playlistFetchP99Ms: number | null;
  playlists: number;
  liveEdgeLatencyP50Ms: number | null;
  liveEdgeLatencyP95Ms: number | null;
  errors: number;
}

/** The load client publishing its clip as a new public broadcast; resolves once both tracks are up. */
function goLive(login: string, password: string): Promise<{ broadcastId: string; stop: () => Promise<void> }> {
  const child = spawn(localEnv('ONAIR_LOADCLIENT_BIN'), ['onair-publish', '-edge', EDGE, '-login', login, '-password', password, '-clip', localEnv('ONAIR_LOADCLIENT_CLIP')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  child.stderr!.on('data', (d) => log(`  publisher: ${String(d).trimEnd()}`));
  const stop = async () => {
    child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => void stop().then(() => reject(new Error('the clip was not published within 45 s'))), 45_000);
    child.stdout!.once('data', (d) => {
      clearTimeout(timer);
      resolve({ broadcastId: String(JSON.parse(String(d).split('\n')[0]).broadcastId), stop });
    });
    void exited.then((code) => reject(new Error(`the publisher exited with ${code}`)));
  });
}

/** Waits until the live playlist lists `n` segments (the recording starts ~1.5 s after the publisher). */
async function liveSegments(broadcastId: string, token: string, n: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const res = await fetch(`${EDGE}/v1/broadcasts/${broadcastId}/live/index.m3u8`, { headers: { authorization: `Bearer ${token}` } });
    const listed = res.ok ? (await res.text()).split('\n').filter((l) => l.endsWith('.ts')).length : 0;
    if (listed >= n) return;
    if (Date.now() > deadline) throw new Error(`the live playlist lists ${listed} segments after 60 s (last answer ${res.status})`);
    await sleep(500);
  }
}

/** k6 with the viewers' script; its own summary (handleSummary) comes back through a file. */
async function runK6(broadcastId: string, tokens: string[]): Promise<K6Summary> {
  const dir = mkdtempSync(join(tmpdir(), 'onair-bench-hls-'));
  try {
    const summary = join(dir, 'summary.json');
    const env = { EDGE, BROADCAST: broadcastId, TOKENS: tokens.join(','), VUS: String(VIEWERS), RAMP_S: String(RAMP_S), HOLD_S: String(HOLD_S), SUMMARY: summary };
    // The script's settings as k6's own -e flags: its __ENV holds only those for certain.
    const flags = Object.entries(env).flatMap(([k, v]) => ['-e', `${k}=${v}`]);
    const child = spawn(localEnv('ONAIR_K6_BIN'), ['run', '--quiet', `--log-output=file=${K6_LOG}`, ...flags, SCRIPT], {
      // GOGC 400: k6's heap holds 2,000 VUs, and each collection of it (every ~10 s at Go's
      // default 100) took 1-2 s of both cores, which showed as the fetch times' tail.
      env: { GOGC: '400', ...process.env, K6_NO_USAGE_REPORT: 'true' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    // k6 exits 99 when a threshold fails (this script sets none); anything else non-zero is a failed run.
    if (code !== 0) throw new Error(`k6 exited with ${code}`);
    return JSON.parse(readFileSync(summary, 'utf8')) as K6Summary;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const broadcaster = await newAccount(EDGE, 'live');
  const ownerToken = await accessTokenOf(EDGE, broadcaster);
  // One after another: identity hashes passwords a few at a time (IDENTITY.BUSY beyond).
  const tokens: string[] = [];
  for (let i = 0; i < ACCOUNTS; i++) tokens.push(await accessTokenOf(EDGE, await newAccount(EDGE, 'view')));
  const { broadcastId, stop } = await goLive(broadcaster.handle, broadcaster.password);
  try {
    log(`broadcast ${broadcastId} is live from the load client; waiting for its live playlist`);
    await liveSegments(broadcastId, tokens[0], 2);
    log(`k6: ${VIEWERS} virtual viewers (${ACCOUNTS} accounts), ramping up over ${RAMP_S} s, then ${HOLD_S} s (its log: ${K6_LOG})`);
    const s = await runK6(broadcastId, tokens);
    const ms = (v: number | null) => (v === null ? 'n/a' : v.toFixed(0));
    log(`load average over the last minute ${loadavg()[0].toFixed(1)} on ${availableParallelism()} cores`);
    log(`segments fetched ${s.segments} (p50 ${ms(s.segmentFetchP50Ms)} ms), playlists ${s.playlists} (p99 ${ms(s.playlistFetchP99Ms)} ms), live-edge latency p95 ${ms(s.liveEdgeLatencyP95Ms)} ms`);
    const latency = s.liveEdgeLatencyP50Ms === null ? 'n/a' : (s.liveEdgeLatencyP50Ms / 1000).toFixed(1);
    console.log(`hls: ${s.viewers} viewers, segment fetch p99 ${ms(s.segmentFetchP99Ms)} ms, live-edge latency p50 ${latency} s, ${s.errors} errors`);
  } finally {
    await stop();
    await fetch(`${EDGE}/v1/broadcasts/${broadcastId}/end`, { method: 'POST', headers: { authorization: `Bearer ${ownerToken}` } }).catch(() => undefined);
  }
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    log(`hls failed: ${err.stack ?? err.message}`);
    process.exit(1);
  },
);
