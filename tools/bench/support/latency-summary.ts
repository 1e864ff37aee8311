// The figures the Chromium benches print: percentiles of measured times, in whole milliseconds.

/** The nearest-rank percentile `p` (0–100) of ascending `sorted`. */
export function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** "p50 <a> ms, p95 <b> ms" of `times`. */
export function p50p95(times: number[]): string {
  const sorted = [...times].sort((a, b) => a - b);
  return `p50 ${percentile(sorted, 50).toFixed(0)} ms, p95 ${percentile(sorted, 95).toFixed(0)} ms`;
}
