// The unary ops with edge cases beyond the kernel suite's random inputs, against PyTorch 1.13 and its gradients
// (test/fixtures/torch-unary.json, by scripts/torch-unary.py), on every backend, over every branch of the f32
// kernels, ±Inf and NaN: erf (the series below 1, the tail to 4, ±1 past it) and softplus (eˣ far below 0,
// ln(1 + eˣ), x itself past the threshold 20).
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import * as bg from '../src/index.ts';
import type { BackendName } from '../src/backend/backend.ts';

type Case = Record<'x' | 'y' | 'grad', (number | string)[]>;
const fixture = JSON.parse(readFileSync(new URL('fixtures/torch-unary.json', import.meta.url), 'utf8')) as Record<'erf' | 'softplus', Case>;
const decode = (values: (number | string)[]): Float32Array => Float32Array.from(values, (v) => (typeof v === 'number' ? v : Number(v.replace('inf', 'Infinity'))));

/** Each op, its tolerances (|got − expected| ≤ abs + rel·|expected|) for the value and the gradient, and why. */
const ops = [
  { name: 'erf', op: bg.erf, value: { abs: 1.5e-7, rel: 3e-7 }, grad: { abs: 1e-7, rel: 2e-6 } }, // 3 ulp; gradient 2/√π·e^(−x²)
  { name: 'softplus', op: bg.softplus, value: { abs: 1e-7, rel: 1e-6 }, grad: { abs: 1e-7, rel: 2e-6 } }, // WGSL's exp and log are within a few ulp
] as const;

afterAll(async () => {
  await bg.init({ backend: 'js' });
  (await bg.getBackend('webgpu')).dispose(); // Dawn keeps the process alive while a device lives
});

/** Every |got - expected| ≤ abs + rel·|expected|; NaN and ±Inf exactly where PyTorch has them. */
function expectNear(got: Float32Array, expected: Float32Array, x: Float32Array, { abs, rel }: { abs: number; rel: number }, what: string): void {
  expected.forEach((w, i) => {
    if (Number.isNaN(w)) return expect(got[i], `${what} at ${x[i]}`).toBeNaN();
    if (!Number.isFinite(w)) return expect(got[i], `${what} at ${x[i]}`).toBe(w);
    expect(Math.abs(got[i] - w), `${what} at ${x[i]}: ${got[i]} vs ${w}`).toBeLessThanOrEqual(abs + rel * Math.abs(w));
  });
}

describe.each<BackendName>(['js', 'wasm', 'webgpu'])('unary ops against PyTorch on %s', (backend) => {
  it.each(ops)('$name and its gradient', async ({ name, op, value, grad }) => {
    await bg.init({ backend });
    const [x, want, wantGrad] = [decode(fixture[name].x), decode(fixture[name].y), decode(fixture[name].grad)];
    const t = bg.tensor(x, [x.length], { requiresGrad: true });
    const y = op(t);
    expectNear((await y.data()) as Float32Array, want, x, value, name);
    const loss = bg.sum(y);
    loss.backward();
    expectNear((await t.grad!.data()) as Float32Array, wantGrad, x, grad, `${name}'s gradient`);
    for (const v of [t, y, loss]) v.dispose();
  });

  it('erf is odd at −0, as torch.erf(-0.0)', async () => {
    await bg.init({ backend });
    expect(Object.is((await bg.erf(bg.tensor([-0], [1])).data())[0], -0)).toBe(true);
  });
});
