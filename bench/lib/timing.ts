// The timing protocol: a warm-up call, repeats per run until a run lasts minMs, median of the runs.

export interface TimingOptions {
  runs: number;
  /** Shortest run, in ms: fast calls are repeated within a run so the clock's resolution does not matter. */
  minMs: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** Median ms of one call of fn. */
export async function timeMs(fn: () => unknown, options: TimingOptions): Promise<number> {
  return median(await sample(fn, options));
}

/** The fastest run's ms per call: for a peak, which other processes can only slow down. */
export async function fastestMs(fn: () => unknown, options: TimingOptions): Promise<number> {
  return Math.min(...(await sample(fn, options)));
}

/** ms per call of each run, after the warm-up call. */
async function sample(fn: () => unknown, options: TimingOptions): Promise<number[]> {
  const t0 = performance.now();
  await fn();
  const first = performance.now() - t0;
  const reps = Math.max(1, Math.ceil(options.minMs / Math.max(first, 1e-3)));
  const runs: number[] = [];
  for (let k = 0; k < options.runs; k++) {
    const start = performance.now();
    for (let r = 0; r < reps; r++) await fn();
    runs.push((performance.now() - start) / reps);
  }
  return runs;
}
