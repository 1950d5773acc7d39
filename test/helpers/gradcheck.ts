// Central finite differences against the tape's gradients, on whatever backend is current.
import { expect } from 'vitest';
import { mul, noGrad, Rng, sum, tensor, tidy, type Tensor } from '../../src/index.ts';

export interface GradCheckOptions {
  /** Draw inputs in [0.5, 2] instead of N(0, 1) (for log, sqrt, div…). */
  positive?: boolean;
  eps?: number;
  tol?: number;
  /** Elements checked per input (a random sample for large inputs). */
  samples?: number;
  seed?: number;
}

/**
 * Checks d/dx of L = Σ fn(inputs) ⊙ R (R random) for every input against central differences.
 * Returns the largest relative error seen (and fails the test past `tol`).
 */
export async function gradCheck(
  label: string,
  fn: (...inputs: Tensor[]) => Tensor,
  shapes: number[][],
  options: GradCheckOptions = {},
): Promise<number> {
  const { positive = false, eps = 1e-2, tol = 2e-2, samples = 12, seed = 7 } = options;
  const rng = new Rng(seed);
  const values = shapes.map((s) => {
    const n = s.reduce((a, b) => a * b, 1);
    return Float32Array.from({ length: n }, () => (positive ? 0.5 + 1.5 * rng.uniform() : rng.normal()));
  });
  const inputs = values.map((v, k) => tensor(v, shapes[k], { requiresGrad: true }));
  const probe = tidy(() => fn(...inputs));
  const weights = Float32Array.from({ length: probe.size }, () => rng.normal());
  const outShape = [...probe.shape];
  probe.dispose();
  const R = tensor(weights, outShape);

  const loss = tidy(() => sum(mul(fn(...inputs), R)));
  loss.backward();
  loss.dispose();
  const analytic = await Promise.all(inputs.map(async (t) => (t.grad ? ((await t.grad.data()) as Float32Array) : null)));

  const objective = async (k: number, i: number, delta: number): Promise<number> => {
    const v = values[k].slice();
    v[i] += delta;
    const moved = tensor(v, shapes[k]);
    const args = inputs.map((t, j) => (j === k ? moved : t));
    const l = noGrad(() => tidy(() => sum(mul(fn(...args), R))));
    const out = await l.item();
    l.dispose();
    moved.dispose();
    return out;
  };

  let worst = 0;
  for (let k = 0; k < inputs.length; k++) {
    const n = values[k].length;
    const picks = n <= samples ? [...Array(n).keys()] : Array.from({ length: samples }, () => rng.int(n));
    for (const i of picks) {
      const numeric = ((await objective(k, i, eps)) - (await objective(k, i, -eps))) / (2 * eps);
      const got = analytic[k]?.[i] ?? 0;
      const err = Math.abs(got - numeric) / Math.max(1, Math.abs(numeric));
      worst = Math.max(worst, err);
      expect(err, `${label}: d/d input${k}[${i}] analytic ${got} vs numeric ${numeric}`).toBeLessThan(tol);
    }
  }
  for (const t of [...inputs, R]) {
    t.grad?.dispose();
    t.dispose();
  }
  return worst;
}
