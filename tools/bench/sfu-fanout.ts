// tools/onair bench sfu-fanout [--platform-only]: one broadcast (VP8 ~600 kbps + Opus, sent by
// ffmpeg) fanned out by ONE mediasoup worker pinned to one core to N synthetic viewers over SRTP
// on local sockets; N steps up until a step fails (media/fanout-run.ts). Per step it prints (on
// stderr) the worker's CPU %, the packets/s and Mbit/s the viewers received, the loss counted
// from RTP sequence numbers, and how many of the viewers' streams (each viewer's video and
// audio) received anything.
// A stream silent for the whole window counts as lost: it is charged the packets its live
// siblings carried (media/rtp-receiver.ts), and any silent stream fails the step on its own.
// A run's capacity is the largest step at or under 0.5 % loss with every stream received.
// Bare mediasoup (the figure the platform must not fall below) and the platform's own code
// (media/fanout-targets.ts) are stepped alternately, bare first, BENCH_RUNS times each, each run
// a fresh worker, so both see the same drift of a shared machine. Stdout gets one line:
//   sfu-fanout: platform <P> viewers, bare mediasoup <B> (ratio <R>) at < 0.5 % loss on one worker core; <s>/<e> streams received
// P and B are the medians of the runs' capacities (of two runs: their mean), R = P / B; s/e sums
// the streams of each run's capacity step, so it reads e/e whenever the figures stand (a missing
// stream would have failed that step); silent streams of the other steps show on stderr.
// With --platform-only, bare mediasoup is not run and the line reads
//   sfu-fanout: platform <P> viewers at < 0.5 % loss on one worker core (bare mediasoup skipped); <s>/<e> streams received
// Everything else (this process, the receiver, ffmpeg) is kept off the worker's core.
// Knobs: BENCH_START (100), BENCH_STEP (100), BENCH_MAX (3000), BENCH_WINDOW_S (5),
// BENCH_CORE (the last core), BENCH_RUNS (2 per target).
// needs: media-tools mediasoup
import { availableParallelism } from 'node:os';
import { pin } from './support/process-cpu.ts';
import { stepUp, targetName, type RunResult, type RunSettings, type TargetKind } from './media/fanout-run.ts';
import { testClip } from './media/test-clip.ts';
import { localEnv } from './support/local-env.ts';

const RUNS = Number(process.env.BENCH_RUNS ?? 2);
const LOSS_LIMIT = 0.5;
const cores = availableParallelism();
const workerCore = Number(process.env.BENCH_CORE ?? cores - 1);
const settings: RunSettings = {
  start: Number(process.env.BENCH_START ?? 100),
  step: Number(process.env.BENCH_STEP ?? 100),
  max: Number(process.env.BENCH_MAX ?? 3000),
  windowS: Number(process.env.BENCH_WINDOW_S ?? 5),
  lossLimit: LOSS_LIMIT,
  workerCore,
  otherCores: Array.from({ length: cores }, (_, i) => i).filter((c) => c !== workerCore).join(',') || String(workerCore),
};
const platformOnly = process.argv.includes('--platform-only');

const log = (line: string) => process.stderr.write(`${line}\n`);

/** The middle value; of an even count, the mean of the middle two. */
function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

const viewers = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(1));

/** A run without a passing step has a capacity of 0 viewers: it pulls the median down. */
const capacityOf = (run: RunResult) => run.capacity?.viewers ?? 0;

function runVerdict(run: RunResult): string {
  const silent = run.steps.reduce((sum, s) => sum + s.streamsExpected - s.streamsReceived, 0);
  const capacity = run.capacity
    ? `${run.capacity.viewers} viewers at ${run.capacity.loss.toFixed(2)} % loss${run.reachedMax ? ' (BENCH_MAX reached: a lower bound)' : ''}`
    : `no step passed (from ${settings.start} viewers)`;
  return `${capacity}; silent streams over its ${run.steps.length} step(s): ${silent}`;
}

/** The median capacity of one target's runs; a median of 0 leaves nothing to compare. */
function medianCapacity(kind: TargetKind, runs: RunResult[]): number {
  const m = median(runs.map(capacityOf));
  if (m === 0) throw new Error(`${targetName(kind)}: no step passed in most runs (from ${settings.start} viewers); lower BENCH_START`);
  return m;
}

async function main(): Promise<void> {
  if (!Number.isInteger(RUNS) || RUNS < 1) throw new Error(`BENCH_RUNS must be a whole number of at least 1, not ${process.env.BENCH_RUNS}`);
  const ffmpeg = localEnv('ONAIR_FFMPEG_BIN');
  process.env.MEDIASOUP_WORKER_BIN ??= localEnv('MEDIASOUP_WORKER_BIN');
  const clip = testClip(ffmpeg);
  pin(process.pid, settings.otherCores);
  // Shared machines differ from minute to minute: alternating the two targets spreads that
  // drift over both, and the median of each damps a run that caught a busy minute.
  const order: TargetKind[] = platformOnly ? ['platform'] : ['bare', 'platform'];
  const runs: Record<TargetKind, RunResult[]> = { bare: [], platform: [] };
  const began = performance.now();
  for (let round = 1; round <= RUNS; round++) {
    for (const kind of order) {
      log(`${targetName(kind)}, run ${round} of ${RUNS}:`);
      const run = await stepUp(kind, settings, ffmpeg, clip);
      runs[kind].push(run);
      log(`${targetName(kind)}, run ${round} of ${RUNS}: ${runVerdict(run)}`);
    }
  }
  log(`${RUNS * order.length} runs in ${((performance.now() - began) / 60_000).toFixed(1)} min`);
  // Streams of each run's capacity step: the steps the figures stand on.
  const counted = [...runs.bare, ...runs.platform].flatMap((run) => (run.capacity ? [run.capacity] : []));
  const streams = `${counted.reduce((sum, s) => sum + s.streamsReceived, 0)}/${counted.reduce((sum, s) => sum + s.streamsExpected, 0)} streams received`;
  const platform = medianCapacity('platform', runs.platform);
  if (platformOnly) {
    console.log(`sfu-fanout: platform ${viewers(platform)} viewers at < ${LOSS_LIMIT} % loss on one worker core (bare mediasoup skipped); ${streams}`);
    return;
  }
  const bare = medianCapacity('bare', runs.bare);
  console.log(
    `sfu-fanout: platform ${viewers(platform)} viewers, bare mediasoup ${viewers(bare)} (ratio ${(platform / bare).toFixed(2)}) ` +
      `at < ${LOSS_LIMIT} % loss on one worker core; ${streams}`,
  );
}

main().then(
  () => process.exit(0),
  (err: Error) => {
    log(`sfu-fanout failed: ${err.stack ?? err.message}`);
    process.exit(1);
  },
);
