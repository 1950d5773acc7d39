// Reads test/fixtures/torch-reference.json (written by scripts/torch-reference-values.py with PyTorch 1.13).
import { readFileSync } from 'node:fs';

type Value = number | 'NaN' | 'Infinity' | '-Infinity';

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

const raw = JSON.parse(readFileSync(new URL('../fixtures/torch-reference.json', import.meta.url), 'utf8'), revive) as {
  optimizers: { param: number[]; grads: number[][]; cases: Record<string, OptimizerCase> };
  losses: Record<string, LossCase>;
};

export const torchReference = raw;
export type { Value };

/** Distance in float32 units in the last place between two floats (0 when both are the same NaN or infinity). */
export function ulpDistance(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  if (a === b) return 0;
  const bits = new Int32Array(new Float32Array([a, b]).buffer);
  const ordered = (i: number) => (bits[i] < 0 ? -2147483648 - bits[i] : bits[i]);
  return Math.abs(ordered(0) - ordered(1));
}
