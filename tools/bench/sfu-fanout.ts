// tools/onair bench sfu-fanout [--platform-only]: one broadcast (VP8 ~600 kbps + Opus, sent by ffmpeg)
// fanned out by ONE mediasoup worker pinned to one core to N synthetic viewers over SRTP on
// local sockets; N steps up until loss passes 0.5 %. Per step it prints the worker's CPU %,
// the packets/s and Mbit/s the viewers received, and the loss counted from RTP sequence
// numbers; last one line:
//   sfu-fanout: <N> viewers at <L> % loss on one worker core
// where N is the largest step at or under 0.5 % loss. The worker runs the platform's own
// code (tools/bench/media/fanout-targets.ts); first, plain mediasoup is stepped up the same
// way for comparison (skipped with --platform-only).
// Everything else (this process, the receiver, ffmpeg) is kept off the worker's core.
// Knobs: BENCH_START (100), BENCH_STEP (100), BENCH_MAX (3000), BENCH_WINDOW_S (5),
// BENCH_CORE (the last core).
// needs: media-tools mediasoup
import { fork, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { bareTarget, platformTarget, type FanoutTarget } from './media/fanout-targets.ts';
import type { WindowFigures } from './media/rtp-receiver.ts';
import { sendClip, testClip } from './media/test-clip.ts';
import { localEnv } from './support/local-env.ts';

const START = Number(process.env.BENCH_START ?? 100);
const STEP = Number(process.env.BENCH_STEP ?? 100);
const MAX = Number(process.env.BENCH_MAX ?? 3000);
const WINDOW_S = Number(process.env.BENCH_WINDOW_S ?? 5);
const LOSS_LIMIT = 0.5;
const RECEIVER_SOCKETS = 16;
const ADD_DEADLINE_MS = 30_000;
const cores = availableParallelism();
const workerCore = Number(process.env.BENCH_CORE ?? cores - 1);
const otherCores = Array.from({ length: cores }, (_, i) => i).filter((c) => c !== workerCore).join(',') || String(workerCore);
const platformOnly = process.argv.includes('--platform-only');

const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function pin(pid: number, cpuList: string): void {
  const run = spawnSync('taskset', ['-a', '-p', '-c', cpuList, String(pid)], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`taskset could not pin pid ${pid} to ${cpuList}: ${run.stderr}`);
}

/** CPU seconds (user + system) a process has used, from /proc (clock ticks of 10 ms). */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

class Receiver {
  readonly child: ChildProcess;
  private constructor(child: ChildProcess) {
    this.child = child;
  }

  static async start(): Promise<{ receiver: Receiver; ports: number[] }> {
    const child = fork(join(import.meta.dirname, 'media/rtp-receiver.ts'), [], { execArgv: process.execArgv, stdio: 'inherit' });
    pin(child.pid!, otherCores);
    const receiver = new Receiver(child);
    const { ports } = await receiver.ask<{ ports: number[] }>({ sockets: RECEIVER_SOCKETS });
    return { receiver, ports };
  }

  ask<T>(msg: object): Promise<T> {
    return new Promise((done) => {
      this.child.once('message', (answer) => done(answer as T));
      this.child.send(msg);
    });
  }

  stop(): void {
    this.child.kill();
  }
}

interface Step {
  viewers: number;
  cpu: number;
  pps: number;
  mbps: number;
  loss: number;
  socketDrops: number;
  receiverCpu: number;
  ingestLost: number;
}

/** `work`'s result if it settles within `ms`; `done: false` otherwise (the work is abandoned). */
async function within<T>(ms: number, work: Promise<T>): Promise<{ done: true; value: T } | { done: false }> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<{ done: false }>((r) => (timer = setTimeout(() => r({ done: false }), ms)));
  try {
    return await Promise.race([work.then((value) => ({ done: true as const, value })), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** Packets the Producer missed from ffmpeg so far; NaN when the worker does not answer in time. */
async function ingestLost(target: FanoutTarget): Promise<number> {
  const answer = await within(10_000, target.ingestLost());
  return answer.done ? answer.value : NaN;
}

async function measure(target: FanoutTarget, receiver: Receiver, viewers: number): Promise<Step> {
  const ingestLost0 = await ingestLost(target);
  await receiver.ask({ window: 'start' });
  const cpu0 = cpuSeconds(target.workerPid);
  const receiverCpu0 = cpuSeconds(receiver.child.pid!);
  const t0 = performance.now();
  await sleep(WINDOW_S * 1000);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = (100 * (cpuSeconds(target.workerPid) - cpu0)) / seconds;
  const receiverCpu = (100 * (cpuSeconds(receiver.child.pid!) - receiverCpu0)) / seconds;
  const { figures } = await receiver.ask<{ figures: WindowFigures }>({ window: 'end' });
  const lost = Math.max(0, figures.expected - figures.received);
  return {
    viewers,
    cpu,
    pps: figures.received / figures.seconds,
    mbps: (figures.bytes * 8) / figures.seconds / 1e6,
    loss: figures.expected > 0 ? (100 * lost) / figures.expected : 100,
    socketDrops: figures.socketDrops,
    receiverCpu,
    ingestLost: (await ingestLost(target)) - ingestLost0,
  };
}

/** Steps one target up until loss passes the limit; the largest step within it, if any. */
async function stepUp(kind: 'platform' | 'bare', ffmpeg: string, clip: string): Promise<Step | undefined> {
  const target = kind === 'bare' ? await bareTarget() : await platformTarget();
  pin(target.workerPid, String(workerCore));
  const { receiver, ports } = await Receiver.start();
  const sender = sendClip(ffmpeg, clip, target.ingest.video, target.ingest.audio);
  pin(sender.pid!, otherCores);
  log(`${kind === 'bare' ? 'bare mediasoup' : 'platform'}: worker pid ${target.workerPid} on core ${workerCore}; viewers, ffmpeg and this process on ${otherCores}`);
  // Receiver CPU % and drops at its sockets tell whether this end, not the worker, was the limit;
  // ingest lost counts packets the Producer missed from ffmpeg (lost before fan-out).
  log(' viewers   worker CPU %   packets/s   Mbit/s   loss %   receiver CPU %   receiver drops   ingest lost');
  let viewers = 0;
  let best: Step | undefined;
  try {
    for (let n = START; n <= MAX; n += STEP) {
      // A saturated worker answers its channel late: adding stops at a deadline, and the step is
      // measured with the viewers it has (the loss it shows is the verdict).
      const deadline = performance.now() + ADD_DEADLINE_MS;
      while (viewers < n && performance.now() < deadline) {
        // One request may itself never be answered by a wedged worker: bounded by the deadline too.
        const added = await within(Math.max(1000, deadline - performance.now()), target.addViewer(ports[viewers % ports.length]));
        if (!added.done) break;
        viewers++;
      }
      if (viewers < n) log(`  only ${viewers} of ${n} viewers could be added within ${ADD_DEADLINE_MS / 1000} s`);
      // New consumers wait for the next key frame (every 2 s in the clip) before sending video.
      await sleep(2500);
      const step = await measure(target, receiver, viewers);
      log(
        `${String(step.viewers).padStart(8)} ${step.cpu.toFixed(1).padStart(14)} ${Math.round(step.pps).toString().padStart(11)} ` +
          `${step.mbps.toFixed(1).padStart(8)} ${step.loss.toFixed(2).padStart(8)} ${step.receiverCpu.toFixed(1).padStart(16)} ` +
          `${String(step.socketDrops).padStart(16)} ${String(step.ingestLost).padStart(13)}`,
      );
      if (step.loss > LOSS_LIMIT) break;
      best = step;
      if (viewers < n) break;
    }
  } finally {
    sender.kill('SIGKILL');
    receiver.stop();
    await target.close();
  }
  if (best && best.receiverCpu > 90) log(`note: the receiver used ${best.receiverCpu.toFixed(0)} % of its core: this end, not the worker, may have been the limit`);
  return best;
}

const verdict = (step: Step | undefined) => (step ? `${step.viewers} viewers at ${step.loss.toFixed(2)} % loss` : `loss over ${LOSS_LIMIT} % from the first step`);

async function main(): Promise<void> {
  const ffmpeg = localEnv('ONAIR_FFMPEG_BIN');
  process.env.MEDIASOUP_WORKER_BIN ??= localEnv('MEDIASOUP_WORKER_BIN');
  const clip = testClip(ffmpeg);
  pin(process.pid, otherCores);
  // Shared machines differ from minute to minute: bare mediasoup is measured in the same run,
  // just before the platform, so the two figures can be compared.
  if (!platformOnly) log(`bare mediasoup: ${verdict(await stepUp('bare', ffmpeg, clip))} on one worker core`);
  const best = await stepUp('platform', ffmpeg, clip);
  if (!best) throw new Error(`loss passed ${LOSS_LIMIT} % at the first step (${START} viewers)`);
  console.log(`sfu-fanout: ${verdict(best)} on one worker core`);
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    log(`sfu-fanout failed: ${err.stack ?? err.message}`);
    process.exit(1);
  },
);
