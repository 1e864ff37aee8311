// tools/onair bench vs-livekit: what a real WebRTC viewer (ICE, DTLS, SRTP) costs on OnAir's SFU
// and on LiveKit, with the same client (tools/loadclient) and the same published bytes (its VP8
// 3-layer simulcast + Opus clip), one run.
// - OnAir: an sfu-worker node of the running platform's cluster (support/local-sfu-nodes.ts)
//   with one mediasoup worker, the node and its worker pinned to SFU_CORE; the clip published on
//   it and every viewer placed on it (the client's -node), through the platform's own path:
//   sign-in and tickets on the edge, the node's signalling WebSocket, a WebRtcTransport.
// - LiveKit server v1.13.5 at its defaults for a one-to-many room (libs/testing/src/livekit-
//   server.ts), GOMAXPROCS=1, pinned to SFU_CORE; the clip published into a room.
// The load client (publisher and subscribers) runs on CLIENT_CORE. Each subscriber takes the
// top layer and counts packets and loss from RTP sequence numbers; one that receives nothing is
// lost. N steps up by BENCH_STEP until loss > 0.5 %, a lost subscriber, or SFU CPU > 90 % over
// the steady window (from 2 s after the last subscriber started to 1 s before the end). A run's
// capacity is its last step that held. OnAir and LiveKit alternate, BENCH_RUNS times each (each
// run a fresh SFU); medians of the capacities (of two runs: their mean). Stdout gets one line:
//   vs-livekit: OnAir <a> viewers, LiveKit <b> viewers per SFU core (ratio <r>); SFU CPU per 100 viewers OnAir <c> %, LiveKit <d> %
// (<c>, <d>: at each run's capacity step, medians). The client was the limit of a run when, at its
// failing step, the client's CPU was > 90 % or its sockets dropped datagrams while the SFU's CPU
// and socket were not at their limits, and no step of the bench (either SFU) had the client hold
// that many subscribers. Then the line says so: OnAir's figure a floor, the ratio given as a floor
// ("ratio at least"); LiveKit's a floor, no ratio at all.
// Every UDP socket gets the receive buffer LiveKit's own gets (equalReceiveBuffers).
// Knobs: BENCH_START (50), BENCH_STEP (50), BENCH_MAX (2000), BENCH_RUNS (2), BENCH_WINDOW_S (10),
// BENCH_EDGE_URL (http://127.0.0.1:8080), BENCH_SESSIONS_URL (http://127.0.0.1:7103), BENCH_ONLY
// (OnAir or LiveKit: step that SFU alone, for profiling it; the line then gives no ratio),
// BENCH_RMEM_DEFAULT (bytes for net.core.rmem_default during the run; LiveKit's own figure).
// needs: platform
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { freePorts } from '../../libs/testing/src/free-ports.ts';
import { startLiveKitServer, type LiveKitServer } from '../../libs/testing/src/livekit-server.ts';
import { localEnv } from './support/local-env.ts';
import { LocalSfuNodes } from './support/local-sfu-nodes.ts';
import { cpuSeconds, groupCpuSeconds, groupPids, udpDrops, udpReceiveBuffers } from './support/process-cpu.ts';
import { newAccount, type Person } from './support/web-accounts.ts';

const EDGE = process.env.BENCH_EDGE_URL ?? 'http://127.0.0.1:8080';
const SESSIONS = process.env.BENCH_SESSIONS_URL ?? 'http://127.0.0.1:7103';
const START = Number(process.env.BENCH_START ?? 50);
const STEP = Number(process.env.BENCH_STEP ?? 50);
const MAX = Number(process.env.BENCH_MAX ?? 2000);
const RUNS = Number(process.env.BENCH_RUNS ?? 2);
const ONLY = process.env.BENCH_ONLY || undefined;
if (ONLY && ONLY !== 'OnAir' && ONLY !== 'LiveKit') throw new Error(`BENCH_ONLY is OnAir or LiveKit, not ${ONLY}`);
const WINDOW_S = Number(process.env.BENCH_WINDOW_S ?? 10);
const [SFU_CORE, CLIENT_CORE] = ['0', '1'];
const [LOSS_LIMIT, CPU_LIMIT] = [0.5, 90];
/** A stable name: the node's Kafka consumer groups are named after it and reused by the next run. */
const NODE_ID = 'bench-vs-livekit';
const NODE_ENV = { SFU_WORKERS: '1', SFU_MAX_CONSUMERS_PER_ROUTER: '100000', SFU_RECORDING: 'false', LOG_LEVEL: 'warn' };

const bin = localEnv('ONAIR_LOADCLIENT_BIN');
const clip = localEnv('ONAIR_LOADCLIENT_CLIP');
const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const onCore = (core: string) => ['taskset', '-c', core];

type Sfu = 'OnAir' | 'LiveKit';
interface Summary { receiving: number; lost: number; lossPercent: number; results: Array<{ id: number; error?: string; receiving: boolean; joinedMs?: number; tracks: Array<{ kind: string; packets: number }> | null }> }
interface Window { sfuCpu: number; clientCpu: number; sfuDrops: number; clientDrops: number }
interface Step extends Window { n: number; summary: Summary; held: boolean; clientBusy: boolean }
/** `failedAt`: the step that did not hold; `clientBusy`: the client's core or sockets, not the SFU's, were at their limit there. */
interface Run { sfu: Sfu; capacity: number; cpuPer100: number; failedAt?: number; clientBusy: boolean }

/** One SFU under test: the flags its subscribers take, its CPU seconds so far, its processes. */
interface Target { sfu: Sfu; subscribe: string[]; cpu: () => number; pids: () => number[]; stop: () => Promise<void> }

/** Starts the load client on CLIENT_CORE; `onLine` sees its stderr lines. */
function loadClient(args: string[], onLine: (line: string) => void = () => {}): { child: ChildProcess; stdout: Promise<string> } {
  const child = spawn(onCore(CLIENT_CORE)[0], [...onCore(CLIENT_CORE).slice(1), bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => {
    const lines = (err + d).split('\n');
    err = lines.pop()!;
    for (const l of lines) onLine(l);
  });
  const stdout = new Promise<string>((resolve, reject) =>
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`loadclient ${args[0]} exited with ${code}: ${err}`)))),
  );
  return { child, stdout };
}

/** Publishes the clip until stopped; resolves once both tracks are published. */
async function publish(args: string[]): Promise<{ stop: () => Promise<void>; first: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const { child, stdout } = loadClient([...args, '-clip', clip], (l) => log(`  publisher: ${l}`));
    const timer = setTimeout(() => reject(new Error('the clip was not published within 45 s')), 45_000);
    child.stdout!.once('data', (d) => {
      clearTimeout(timer);
      const stop = async () => {
        child.kill('SIGTERM');
        await stdout.catch(() => undefined);
      };
      resolve({ stop, first: JSON.parse(String(d).split('\n')[0]) as Record<string, unknown> });
    });
    stdout.catch((e: Error) => reject(e));
  });
}

/** One step: n subscribers for WINDOW_S s after the last one started; CPU over the steady window. */
async function step(target: Target, n: number): Promise<Step> {
  let window: Promise<Window> | undefined;
  const run = loadClient([...target.subscribe, '-n', String(n), '-duration', `${WINDOW_S}s`], (line) => {
    if (!line.includes('all subscribers started')) return log(`  loadclient: ${line}`);
    window = (async () => {
      const client = [run.child.pid!];
      // Drops count from the last start (joins' bursts included), CPU from 2 s later.
      const [sfuDrops0, clientDrops0] = [udpDrops(target.pids()), udpDrops(client)];
      await sleep(2000);
      const [sfu0, client0, t0] = [target.cpu(), cpuSeconds(run.child.pid!), performance.now()];
      await sleep((WINDOW_S - 3) * 1000);
      const seconds = (performance.now() - t0) / 1000;
      return {
        sfuCpu: (100 * (target.cpu() - sfu0)) / seconds,
        clientCpu: (100 * (cpuSeconds(run.child.pid!) - client0)) / seconds,
        sfuDrops: udpDrops(target.pids()) - sfuDrops0,
        clientDrops: udpDrops(client) - clientDrops0,
      };
    })();
  });
  const summary = JSON.parse(await run.stdout) as Summary;
  if (!window) throw new Error('the load client never said its subscribers had all started');
  const measured = await window;
  const { sfuCpu, clientCpu, sfuDrops, clientDrops } = measured;
  const held = summary.receiving === n && summary.lost === 0 && summary.lossPercent <= LOSS_LIMIT && sfuCpu <= CPU_LIMIT;
  // The client's core was busy or its sockets overflowed while the SFU kept up: maybe not the SFU's limit.
  const clientBusy = !held && (clientCpu > CPU_LIMIT || clientDrops > 0) && sfuCpu <= CPU_LIMIT && sfuDrops === 0;
  const errors = [...new Set(summary.results.map((r) => r.error).filter(Boolean))].slice(0, 3);
  // Joined, no error, yet not receiving: what each of its tracks got.
  const silent = summary.results.filter((r) => !r.receiving && !r.error).slice(0, 5);
  if (silent.length) errors.push(`silent: ${silent.map((r) => `#${r.id} joined ${r.joinedMs ?? '-'} ms, ${(r.tracks ?? []).map((t) => `${t.kind} ${t.packets}`).join(' ') || 'no track'}`).join('; ')}`);
  log(
    `  ${target.sfu} n=${n}: receiving ${summary.receiving}/${n}, loss ${summary.lossPercent.toFixed(2)} %, SFU CPU ${sfuCpu.toFixed(0)} %, client CPU ${clientCpu.toFixed(0)} %, ` +
      `UDP drops SFU ${sfuDrops}, client ${clientDrops}` +
      (errors.length ? `; ${errors.join(' | ')}` : ''),
  );
  return { n, summary, ...measured, held, clientBusy };
}

async function onAirTarget(broadcaster: Person, viewer: Person): Promise<Target> {
  const nodes = new LocalSfuNodes(SESSIONS);
  const node = await nodes.start(NODE_ID, NODE_ENV, onCore(SFU_CORE));
  const publisher = await publish(['onair-publish', '-edge', EDGE, '-login', broadcaster.handle, '-password', broadcaster.password, '-node', NODE_ID]);
  const id = String(publisher.first.broadcastId);
  return {
    sfu: 'OnAir',
    subscribe: ['onair', '-edge', EDGE, '-login', viewer.handle, '-password', viewer.password, '-broadcast', id, '-node', NODE_ID],
    cpu: () => groupCpuSeconds(node.process.pid!),
    pids: () => groupPids(node.process.pid!),
    stop: async () => {
      await publisher.stop();
      await nodes.stopAll();
    },
  };
}

async function liveKitTarget(): Promise<{ target: Target; server: LiveKitServer }> {
  const server = await startLiveKitServer(localEnv('ONAIR_LIVEKIT_BIN'), { basePort: await freePorts(3), launcher: onCore(SFU_CORE), env: { GOMAXPROCS: '1' } });
  const room = ['-url', server.url, '-api-key', server.apiKey, '-api-secret', server.apiSecret, '-room', 'bench'];
  const publisher = await publish(['livekit-publish', ...room]);
  const target: Target = {
    sfu: 'LiveKit',
    subscribe: ['livekit', ...room],
    cpu: () => cpuSeconds(server.process.pid!),
    pids: () => [server.process.pid!],
    stop: async () => {
      await publisher.stop();
      await server.stop();
    },
  };
  return { target, server };
}

/** Steps one fresh SFU up until a step does not hold. */
async function stepUp(target: Target): Promise<Run> {
  log(`  ${target.sfu}: its UDP sockets' receive buffers ${udpReceiveBuffers(target.pids()).join(', ') || '(none found)'} bytes`);
  let last: Step | undefined;
  for (let n = START; n <= MAX; n += STEP) {
    const s = await step(target, n);
    if (!s.held) return { sfu: target.sfu, capacity: last?.n ?? 0, cpuPer100: last ? (100 * last.sfuCpu) / last.n : NaN, failedAt: n, clientBusy: s.clientBusy };
    last = s;
  }
  log(`  ${target.sfu} held at BENCH_MAX (${MAX})`);
  return { sfu: target.sfu, capacity: last!.n, cpuPer100: (100 * last!.sfuCpu) / last!.n, clientBusy: false };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** What LiveKit's UDP mux asks for (SetReadBuffer; mediatransportutil's rtcconfig.defaultUDPBufferSize). */
const LIVEKIT_READ_BUFFER = 16_777_216;

/**
 * Gives every UDP socket made during the run, by default, the receive buffer LiveKit's own socket
 * gets (restored at exit). LiveKit asks for 16 MiB, which the kernel caps at net.core.rmem_max and
 * doubles (8 MiB at this machine's 4 MiB); mediasoup 3.12 asks for nothing, so its worker's socket
 * takes net.core.rmem_default (208 KiB). Setting rmem_default to LiveKit's figure gives both SFUs,
 * and the client, the same buffer for the key-frame bursts they all absorb.
 */
function equalReceiveBuffers(): void {
  const [file, max] = ['/proc/sys/net/core/rmem_default', '/proc/sys/net/core/rmem_max'];
  const before = readFileSync(file, 'utf8').trim();
  const raised = process.env.BENCH_RMEM_DEFAULT ?? String(2 * Math.min(LIVEKIT_READ_BUFFER, Number(readFileSync(max, 'utf8').trim())));
  try {
    writeFileSync(file, raised);
  } catch (err) {
    log(`could not raise net.core.rmem_default (${(err as Error).message}): the worker's and the client's sockets keep ${before} bytes, LiveKit's more`);
    return;
  }
  process.once('exit', () => writeFileSync(file, before));
  log(`net.core.rmem_default ${before} -> ${raised} bytes for the run (what LiveKit's own socket gets)`);
}

async function main(): Promise<void> {
  equalReceiveBuffers();
  const [broadcaster, viewer] = [await newAccount(EDGE, 'live'), await newAccount(EDGE, 'view')];
  log(`OnAir: sfu-worker node ${NODE_ID}, ${Object.entries(NODE_ENV).map(([k, v]) => `${k}=${v}`).join(' ')}, everything else at its defaults; node and worker on core ${SFU_CORE}`);
  const runs: Run[] = [];
  for (let i = 0; i < RUNS; i++) {
    if (ONLY !== 'LiveKit') {
      log(`run ${i + 1}/${RUNS}: OnAir`);
      const onAir = await onAirTarget(broadcaster, viewer);
      try {
        runs.push(await stepUp(onAir));
      } finally {
        await onAir.stop();
      }
    }
    if (ONLY === 'OnAir') continue;
    log(`run ${i + 1}/${RUNS}: LiveKit`);
    const { target, server } = await liveKitTarget();
    if (i === 0) log(`LiveKit v1.13.5, GOMAXPROCS=1, on core ${SFU_CORE}, config:\n${server.config.replace(/^/gm, '    ')}`);
    try {
      runs.push(await stepUp(target));
    } finally {
      await target.stop();
    }
    await sleep(2000);
  }
  // A busy client was the limit of a run only if no step of this bench, on either SFU, had it hold
  // that many subscribers: the same client, at the same bitrate per subscriber, showing it can.
  const clientHeld = Math.max(0, ...runs.map((r) => r.capacity));
  const clientBound = (r: Run) => r.clientBusy && (r.failedAt ?? 0) > clientHeld;
  for (const r of runs) {
    const why = r.failedAt === undefined ? 'held at BENCH_MAX' : clientBound(r) ? `the load client was the limit at ${r.failedAt}` : `failed at ${r.failedAt}`;
    log(`${r.sfu}: ${r.capacity} viewers, ${r.cpuPer100.toFixed(1)} % CPU per 100 viewers (${why})`);
  }
  const of = (sfu: Sfu) => runs.filter((r) => r.sfu === sfu);
  const [a, b] = [median(of('OnAir').map((r) => r.capacity)), median(of('LiveKit').map((r) => r.capacity))];
  const [c, d] = [median(of('OnAir').map((r) => r.cpuPer100)), median(of('LiveKit').map((r) => r.cpuPer100))];
  const cpu = `SFU CPU per 100 viewers OnAir ${c.toFixed(1)} %, LiveKit ${d.toFixed(1)} %`;
  if (ONLY) {
    const [n, per100] = ONLY === 'OnAir' ? [a, c] : [b, d];
    console.log(`vs-livekit: ${ONLY} alone (BENCH_ONLY), ${n} viewers per SFU core, SFU CPU per 100 viewers ${per100.toFixed(1)} %; no ratio`);
    return;
  }
  // A run that held no step at all (its first already failed) gives no ratio: START was too high.
  if (a === 0 || b === 0) {
    console.log(`vs-livekit: OnAir ${a} viewers, LiveKit ${b} viewers per SFU core (no ratio: ${a === 0 ? 'OnAir' : 'LiveKit'} held no step from ${START}); ${cpu}`);
    return;
  }
  const [onAirBound, liveKitBound] = [of('OnAir').some(clientBound), of('LiveKit').some(clientBound)];
  if (liveKitBound) {
    // LiveKit's figure is then only a floor, and so the ratio only a ceiling: none is printed.
    const which = onAirBound ? 'OnAir and LiveKit' : 'LiveKit';
    console.log(`vs-livekit: the load client's core was the limit (on ${which}), not an SFU: no ratio; OnAir ${onAirBound ? 'at least ' : ''}${a} viewers, LiveKit at least ${b} viewers per SFU core; ${cpu}`);
    return;
  }
  if (onAirBound) {
    // OnAir's figure is a floor and LiveKit's its own limit: the ratio is a floor too, said as one.
    console.log(`vs-livekit: OnAir at least ${a} viewers (the load client's core was the limit, not OnAir's SFU), LiveKit ${b} viewers per SFU core (ratio at least ${(a / b).toFixed(2)}); ${cpu}`);
    return;
  }
  console.log(`vs-livekit: OnAir ${a} viewers, LiveKit ${b} viewers per SFU core (ratio ${(a / b).toFixed(2)}); ${cpu}`);
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    log(err.stack ?? String(err));
    process.exit(1);
  },
);
