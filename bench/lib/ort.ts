// Runs bench/ort-child.ts in a child process for one thread count and reads its timings.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { childNodeFlags } from './relaxed-simd.ts';
import type { Timing, TimingOptions } from './timing.ts';
import type { Point } from './types.ts';

export interface OrtJob {
  threads: number;
  points: Point[];
  timing: TimingOptions;
}

export interface OrtReport {
  /** The thread count onnxruntime-web ran with (it falls back to 1 where threads are unavailable). */
  threads: number;
  version: string;
  /** Forward timings per point, in the job's order. */
  ms: Timing[];
}

const child = fileURLToPath(new URL('../ort-child.ts', import.meta.url));
const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

/** Resolves with the child's report, or rejects with its error output. */
export function runOrt(job: OrtJob): Promise<OrtReport> {
  return runJsonChild(child, job, 'onnxruntime-web child');
}

/** A child process stopped at its time limit. */
export class ChildTimeoutError extends Error {}

/**
 * Runs a TypeScript script (path) with the job as its one JSON argument; resolves with the last stdout line
 * parsed as JSON. With limitMs, a child still running then is killed and the promise rejects saying so.
 */
export function runJsonChild<T>(script: string, job: unknown, what: string, limitMs?: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...childNodeFlags(), '--import', 'tsx', script, JSON.stringify(job)], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '', timedOut = false;
    const timer = limitMs === undefined ? undefined : setTimeout(() => {
      timedOut = true;
      proc.kill('SIGKILL');
    }, limitMs);
    proc.stdout.on('data', (d: Buffer) => (out += d));
    proc.stderr.on('data', (d: Buffer) => (err += d));
    proc.on('error', reject);
    proc.on('close', (code) => {
      clearTimeout(timer);
      const last = out.trim().split('\n').pop() ?? '';
      if (timedOut) reject(new ChildTimeoutError(`${what}: not finished after ${Math.round(limitMs! / 1000)} s (stopped; a warm-up call and the timed runs did not fit)`));
      else if (code === 0 && last.startsWith('{')) resolve(JSON.parse(last) as T);
      else reject(new Error(`${what} exited with ${code}: ${lastLine(err) || 'no output'}`));
    });
  });
}

function lastLine(text: string): string {
  return text.trim().split('\n').filter((l) => /error/i.test(l)).pop() ?? text.trim().split('\n').pop() ?? '';
}
