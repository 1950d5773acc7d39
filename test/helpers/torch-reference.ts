// Reads test/fixtures/torch-reference.json (written by scripts/torch-reference-values.py with PyTorch 1.13).
import { readFileSync } from 'node:fs';

export interface OptimizerCase {
  options: Record<string, number | boolean | number[]>;
  expected: number[];
}
export interface LossCase {
  logits: number[];
  shape: [number, number];
  labels: number[];
  loss: number;
  grad: number[];
}

function revive(_key: string, v: unknown): unknown {
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return v;
}

export interface MaskCase {
  inputs: number[][];
  upstream: number[];
  output: number[];
  grads: number[][];
}

const raw = JSON.parse(readFileSync(new URL('../fixtures/torch-reference.json', import.meta.url), 'utf8'), revive) as {
  optimizers: { param: number[]; grads: number[][]; cases: Record<string, OptimizerCase> };
  losses: Record<string, LossCase>;
  masks: Record<string, MaskCase>;
};

export const torchReference = raw;

/** Distance in float32 units in the last place between two floats (0 when both are the same NaN or infinity). */
export function ulpDistance(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  if (a === b) return 0;
  const bits = new Int32Array(new Float32Array([a, b]).buffer);
  const ordered = (i: number) => (bits[i] < 0 ? -2147483648 - bits[i] : bits[i]);
  return Math.abs(ordered(0) - ordered(1));
}

/** Expects PyTorch's values: NaN exactly where theirs is NaN, the same infinities, finite values within `tol` (relative to the largest |value| of the row, at least 1). */
export function expectTorchValues(got: ArrayLike<number>, want: readonly number[], tol: number, what: string): void {
  const scale = Math.max(1, ...want.filter(Number.isFinite).map(Math.abs));
  const bad: string[] = [];
  want.forEach((w, i) => {
    const g = got[i];
    const ok = Number.isNaN(w) ? Number.isNaN(g) : !Number.isFinite(w) ? g === w : Math.abs(g - w) <= tol * scale;
    if (!ok) bad.push(`[${i}] got ${g}, PyTorch ${w}`);
  });
  if (got.length !== want.length) bad.push(`length ${got.length}, PyTorch ${want.length}`);
  if (bad.length) throw new Error(`${what}: ${bad.join('; ')}`);
}
