// The PyTorch CPU reference (bench/torch_blockdiag.py: five ways of computing the block-diagonal layer,
// forward+backward), run with /usr/bin/python3 at a given thread count when torch imports there.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Point, TorchRow } from './types.ts';

export const PYTHON = '/usr/bin/python3';
export const TORCH_SCRIPT = 'bench/torch_blockdiag.py';
const script = fileURLToPath(new URL('../torch_blockdiag.py', import.meta.url));

/** Null when the reference can run here, else why not. */
export function torchUnavailable(): string | null {
  if (!existsSync(script)) return `${script} is missing`;
  return torchMissing();
}

/** Null when torch imports in /usr/bin/python3, else why not and how to install it. */
export function torchMissing(): string | null {
  const probe = spawnSync(PYTHON, ['-c', 'import torch'], { encoding: 'utf8' });
  if (probe.error) return `${PYTHON} cannot run: ${probe.error.message}`;
  if (probe.status !== 0) return `${PYTHON} cannot import torch (apt-get install -y python3-torch libopenblas0-pthread)`;
  return null;
}

// B=128 M=16 F=64 for_loop           1.23 ms     40.1 GFLOP/s
const LINE = /^B=(\d+) M=(\d+) F=(\d+) (\S+)\s+([\d.]+) ms\s+([\d.]+) GFLOP\/s/;

/**
 * How PyTorch may use `threads` cores: OpenBLAS's own pthreads (libopenblas0-pthread ignores
 * torch.set_num_threads) under one torch thread, or torch's threads over single-threaded OpenBLAS. Both
 * pools are always capped: left alone, OpenBLAS takes every core even at torch.set_num_threads(1), and
 * both pools at once oversubscribe the cores.
 */
export function torchLaunches(threads: number): { torchThreads: number; env: NodeJS.ProcessEnv }[] {
  const launch = (blas: number, torchThreads: number) => ({ torchThreads, env: { ...process.env, OPENBLAS_NUM_THREADS: String(blas), OMP_NUM_THREADS: String(torchThreads) } });
  return threads === 1 ? [launch(1, 1)] : [launch(threads, 1), launch(1, threads)];
}

/** One run of the reference script; rows labelled with `threads` and `launch`. */
function runScript(points: Point[], threads: number, launch: TorchRow['launch'], torchThreads: number, env: NodeJS.ProcessEnv): TorchRow[] {
  const configs = JSON.stringify(points.map((p) => [p.B, p.M, p.F]));
  const run = spawnSync(PYTHON, [script, String(torchThreads), configs], { encoding: 'utf8', maxBuffer: 1 << 24, env });
  if (run.status !== 0) throw new Error(`the PyTorch reference failed: ${(run.stderr || run.error?.message || '').trim().split('\n').pop()}`);
  return run.stdout.split('\n').flatMap((line) => {
    const m = LINE.exec(line.trim());
    if (!m) return [];
    const [B, M, F] = [m[1], m[2], m[3]].map(Number);
    return [{ B, M, F, threads, launch, method: m[4], ms: Number(m[5]), gflops: Number(m[6]) }];
  });
}

/**
 * The reference at `threads` cores: per point and method, the faster of torchLaunches(threads) ('tuned');
 * at every core, also the script with PyTorch's default thread settings (no thread variables, launch 'as shipped').
 */
export function runTorch(points: Point[], threads: number): TorchRow[] {
  const rows = torchLaunches(threads).flatMap(({ torchThreads, env }) => runScript(points, threads, 'tuned', torchThreads, env));
  const fastest = new Map<string, TorchRow>();
  for (const r of rows) {
    const key = `${r.M} ${r.F} ${r.method}`, kept = fastest.get(key);
    if (!kept || r.ms < kept.ms) fastest.set(key, r);
  }
  if (threads !== os.availableParallelism()) return [...fastest.values()];
  return [...fastest.values(), ...runTorchAsShipped(points, threads)];
}

/** The reference script with PyTorch's default thread settings: `torch_blockdiag.py T`, no thread variables. */
export function runTorchAsShipped(points: Point[], threads: number): TorchRow[] {
  const { OPENBLAS_NUM_THREADS: _blas, OMP_NUM_THREADS: _omp, ...plain } = process.env;
  return runScript(points, threads, 'as shipped', threads, plain);
}

/** The ways a user without a block-diagonal op would write (`bmm`, blockLinear's own approach, is reported apart). */
const SEED_METHODS = ['for_loop', 'grouped_conv1d', 'masked_dense', 'block_diag'];

export function torchRow(rows: TorchRow[], p: Point, threads: number, method: string, launch: TorchRow['launch'] = 'tuned'): TorchRow | undefined {
  return rows.find((r) => r.M === p.M && r.F === p.F && r.B === p.B && r.threads === threads && r.method === method && r.launch === launch);
}

/** The best of those ways (the highest GFLOP/s) at a point. */
export function bestTorch(rows: TorchRow[], p: Point, threads: number, launch: TorchRow['launch'] = 'tuned'): TorchRow | undefined {
  return SEED_METHODS.map((m) => torchRow(rows, p, threads, m, launch))
    .reduce<TorchRow | undefined>((best, r) => (r && (!best || r.gflops > best.gflops) ? r : best), undefined);
}
