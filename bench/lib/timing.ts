// The timing protocol: a warm-up of minMs (one call at least), repeats per run until a run lasts minMs, median of the runs
// (and the fastest run: what a shared machine leaves when no other process gets in the way).

export interface TimingOptions {
  runs: number;
  /** Shortest run, in ms: fast calls are repeated within a run so the clock's resolution does not matter. */
  minMs: number;
}

/** The middle value (the mean of the two middle ones for an even count). */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/** ms per call of fn. */
export interface Timing {
  median: number;
  fastest: number;
}

/** Median ms of one call of fn. */
export async function timeMs(fn: () => unknown, options: TimingOptions): Promise<number> {
  return (await timeRuns(fn, options)).median;
}

/**
 * Warm-up: calls until minMs has passed (at least one), so that JIT tiers, allocator growth and thread pools
 * settle first; returns the calls a run needs to last minMs, sized from the last warm-up call. Sized from a cold
 * first call, a run of a millisecond step was a few calls long and timed the warm-up itself (digits training:
 * 340 steps/s where 600 is steady).
 */
async function warmUp(fn: () => unknown, minMs: number): Promise<number> {
  const warmStart = performance.now();
  let last: number;
  do {
    const t0 = performance.now();
    await fn();
    last = performance.now() - t0;
  } while (performance.now() - warmStart < minMs);
  return Math.max(1, Math.ceil(minMs / Math.max(last, 1e-3)));
}

export async function timeRuns(fn: () => unknown, options: TimingOptions): Promise<Timing> {
  const reps = await warmUp(fn, options.minMs);
  const runs: number[] = [];
  for (let k = 0; k < options.runs; k++) {
    const start = performance.now();
    for (let r = 0; r < reps; r++) await fn();
    runs.push((performance.now() - start) / reps);
  }
  return { median: median(runs), fastest: Math.min(...runs) };
}

/** One workload of an interleaved measurement: `enter` makes it current (selects its backend), `fn` is one call. */
export interface Contender {
  enter(): unknown;
  fn(): unknown;
}

/**
 * timeRuns for several workloads at once, their runs interleaved: run k of every contender, then run k + 1 of
 * every one. A shared machine's slow spells (seconds long here) then fall on all of them alike, and the ratio
 * of two contenders' k-th runs compares them under the same conditions. Returns each one's ms per call, run by run.
 */
export async function timeInterleaved(contenders: Contender[], options: TimingOptions): Promise<number[][]> {
  const reps: number[] = [];
  for (const c of contenders) {
    await c.enter();
    reps.push(await warmUp(() => c.fn(), options.minMs));
  }
  const runs = contenders.map((): number[] => []);
  for (let k = 0; k < options.runs; k++) {
    for (const [i, c] of contenders.entries()) {
      await c.enter();
      const start = performance.now();
      for (let r = 0; r < reps[i]; r++) await c.fn();
      runs[i].push((performance.now() - start) / reps[i]);
    }
  }
  return runs;
}

/** The median, first and third quartiles of xs (nearest rank). */
export function quartiles(xs: number[]): { median: number; q1: number; q3: number } {
  const s = [...xs].sort((a, b) => a - b), at = (p: number): number => s[Math.round(p * (s.length - 1))];
  return { median: median(xs), q1: at(0.25), q3: at(0.75) };
}
