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

/** Runs a TypeScript script (path) with the job as its one JSON argument; resolves with the last stdout line parsed as JSON. */
export function runJsonChild<T>(script: string, job: unknown, what: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [...childNodeFlags(), '--import', 'tsx', script, JSON.stringify(job)], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '', err = '';
    proc.stdout.on('data', (d: Buffer) => (out += d));
    proc.stderr.on('data', (d: Buffer) => (err += d));
    proc.on('error', reject);
    proc.on('close', (code) => {
      const last = out.trim().split('\n').pop() ?? '';
      if (code === 0 && last.startsWith('{')) resolve(JSON.parse(last) as T);
      else reject(new Error(`${what} exited with ${code}: ${lastLine(err) || 'no output'}`));
    });
  });
}

function lastLine(text: string): string {
  return text.trim().split('\n').filter((l) => /error/i.test(l)).pop() ?? text.trim().split('\n').pop() ?? '';
}
