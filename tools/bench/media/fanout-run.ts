// One run of `bench sfu-fanout`: a fresh worker of one target pinned to its core, a fresh
// receiver and ffmpeg, viewers added step by step until a step fails; the run's capacity is the
// last step that passed. A step passes when its loss is within the limit AND every stream the
// viewers were given (each viewer's video and audio) received packets in the window.
import { fork, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { cpuSeconds, pin } from '../support/process-cpu.ts';
import { bareTarget, platformTarget, type FanoutTarget } from './fanout-targets.ts';
import type { ExpectedStream, WindowFigures } from './rtp-receiver.ts';
import { sendClip } from './test-clip.ts';

export type TargetKind = 'platform' | 'bare';

export interface RunSettings {
  start: number;
  step: number;
  max: number;
  windowS: number;
  lossLimit: number;
  workerCore: number;
  /** Cores for everything but the worker: this process, the receiver, ffmpeg. */
  otherCores: string;
}

export interface Step {
  viewers: number;
  cpu: number;
  pps: number;
  mbps: number;
  loss: number;
  streamsExpected: number;
  streamsReceived: number;
  socketDrops: number;
  receiverCpu: number;
  ingestLost: number;
}

export interface RunResult {
  /** The largest step that passed; undefined when the first one failed. */
  capacity?: Step;
  /** Every step measured, the failing last one included. */
  steps: Step[];
  /** No step failed up to BENCH_MAX: the capacity is only a lower bound. */
  reachedMax: boolean;
}

const RECEIVER_SOCKETS = 16;
const ADD_DEADLINE_MS = 30_000;

const log = (line: string) => process.stderr.write(`${line}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const targetName = (kind: TargetKind) => (kind === 'bare' ? 'bare mediasoup' : 'platform');

/** This end of rtp-receiver.ts, the child process the viewers' packets go to. */
class Receiver {
  readonly child: ChildProcess;
  private constructor(child: ChildProcess) {
    this.child = child;
  }

  static async start(cpuList: string): Promise<{ receiver: Receiver; ports: number[] }> {
    const child = fork(join(import.meta.dirname, 'rtp-receiver.ts'), [], { execArgv: process.execArgv, stdio: 'inherit' });
    pin(child.pid!, cpuList);
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

/** One window with `viewers` viewers; `added` are the streams of the viewers added for it. */
async function measure(target: FanoutTarget, receiver: Receiver, viewers: number, added: ExpectedStream[], windowS: number): Promise<Step> {
  const ingestLost0 = await ingestLost(target);
  await receiver.ask({ window: 'start', expect: added });
  const cpu0 = cpuSeconds(target.workerPid);
  const receiverCpu0 = cpuSeconds(receiver.child.pid!);
  const t0 = performance.now();
  await sleep(windowS * 1000);
  const seconds = (performance.now() - t0) / 1000;
  const cpu = (100 * (cpuSeconds(target.workerPid) - cpu0)) / seconds;
  const receiverCpu = (100 * (cpuSeconds(receiver.child.pid!) - receiverCpu0)) / seconds;
  const { figures } = await receiver.ask<{ figures: WindowFigures }>({ window: 'end' });
  if (figures.streamsUnexpected > 0) log(`  streams no viewer was told to expect arrived: ${figures.streamsUnexpected}`);
  return {
    viewers,
    cpu,
    pps: figures.received / figures.seconds,
    mbps: (figures.bytes * 8) / figures.seconds / 1e6,
    loss: figures.loss,
    streamsExpected: figures.streamsExpected,
    streamsReceived: figures.streamsReceived,
    socketDrops: figures.socketDrops,
    receiverCpu,
    ingestLost: (await ingestLost(target)) - ingestLost0,
  };
}

const passes = (step: Step, lossLimit: number) => step.loss <= lossLimit && step.streamsReceived === step.streamsExpected;

function logStep(step: Step, lossLimit: number): void {
  log(
    `${String(step.viewers).padStart(8)} ${step.cpu.toFixed(1).padStart(14)} ${Math.round(step.pps).toString().padStart(11)} ` +
      `${step.mbps.toFixed(1).padStart(8)} ${step.loss.toFixed(2).padStart(8)} ${`${step.streamsReceived}/${step.streamsExpected}`.padStart(13)} ` +
      `${step.receiverCpu.toFixed(1).padStart(16)} ${String(step.socketDrops).padStart(16)} ${String(step.ingestLost).padStart(13)}` +
      (passes(step, lossLimit) ? '' : '   fails'),
  );
}

/** Steps one target up until a step fails (loss over the limit or a silent stream). */
export async function stepUp(kind: TargetKind, settings: RunSettings, ffmpeg: string, clip: string): Promise<RunResult> {
  const { start, step: stepSize, max, windowS, lossLimit, workerCore, otherCores } = settings;
  const target = kind === 'bare' ? await bareTarget() : await platformTarget();
  pin(target.workerPid, String(workerCore));
  const { receiver, ports } = await Receiver.start(otherCores);
  const sender = sendClip(ffmpeg, clip, target.ingest.video, target.ingest.audio);
  pin(sender.pid!, otherCores);
  log(`${targetName(kind)}: worker pid ${target.workerPid} on core ${workerCore}; viewers, ffmpeg and this process on ${otherCores}`);
  // Receiver CPU % and drops at its sockets tell whether this end, not the worker, was the limit;
  // ingest lost counts packets the Producer missed from ffmpeg (lost before fan-out).
  log(' viewers   worker CPU %   packets/s   Mbit/s   loss %   streams recv   receiver CPU %   receiver drops   ingest lost');
  let viewers = 0;
  const steps: Step[] = [];
  let capacity: Step | undefined;
  let reachedMax = false;
  // SSRCs are random per consumer: two on one socket would merge into one stream at the receiver.
  const seen = new Set<string>();
  try {
    for (let n = start; n <= max; n += stepSize) {
      const added: ExpectedStream[] = [];
      // A saturated worker answers its channel late: adding stops at a deadline, and the step is
      // measured with the viewers it has (the loss it shows is the verdict).
      const deadline = performance.now() + ADD_DEADLINE_MS;
      while (viewers < n && performance.now() < deadline) {
        const port = ports[viewers % ports.length];
        // One request may itself never be answered by a wedged worker: bounded by the deadline too.
        const result = await within(Math.max(1000, deadline - performance.now()), target.addViewer(port));
        if (!result.done) break;
        viewers++;
        for (const s of result.value) {
          if (seen.has(`${port}:${s.ssrc}`)) log(`  note: two consumers on port ${port} share SSRC ${s.ssrc}; counted as one stream`);
          else added.push({ port, ...s });
          seen.add(`${port}:${s.ssrc}`);
        }
      }
      if (viewers < n) log(`  only ${viewers} of ${n} viewers could be added within ${ADD_DEADLINE_MS / 1000} s`);
      // New consumers wait for the next key frame (every 2 s in the clip) before sending video.
      await sleep(2500);
      const step = await measure(target, receiver, viewers, added, windowS);
      steps.push(step);
      logStep(step, lossLimit);
      if (!passes(step, lossLimit)) break;
      capacity = step;
      if (viewers < n) break;
      reachedMax = n + stepSize > max;
    }
  } finally {
    sender.kill('SIGKILL');
    receiver.stop();
    await target.close();
  }
  if (capacity && capacity.receiverCpu > 90) log(`note: the receiver used ${capacity.receiverCpu.toFixed(0)} % of its core: this end, not the worker, may have been the limit`);
  return { capacity, steps, reachedMax };
}
