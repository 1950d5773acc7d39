// erf against PyTorch 1.13's torch.erf and its gradient (test/fixtures/torch-erf.json, by scripts/torch-erf.py)
// on every backend, over every branch of the f32 kernels: the series below 1, the tail to 4, ±1 past it, ±Inf, NaN.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import * as bg from '../src/index.ts';
import type { BackendName } from '../src/backend/backend.ts';

const fixture = JSON.parse(readFileSync(new URL('fixtures/torch-erf.json', import.meta.url), 'utf8')) as Record<'x' | 'erf' | 'grad', (number | string)[]>;
const decode = (values: (number | string)[]): Float32Array => Float32Array.from(values, (v) => (typeof v === 'number' ? v : Number(v.replace('inf', 'Infinity'))));
const [x, want, wantGrad] = [decode(fixture.x), decode(fixture.erf), decode(fixture.grad)];

afterAll(async () => {
  await bg.init({ backend: 'js' });
  (await bg.getBackend('webgpu')).dispose(); // Dawn keeps the process alive while a device lives
});

/** Every |got - expected| ≤ abs + rel·|expected|; NaN and ±Inf exactly where PyTorch has them. */
function expectNear(got: Float32Array, expected: Float32Array, abs: number, rel: number, what: string): void {
  expected.forEach((w, i) => {
    if (Number.isNaN(w)) return expect(got[i], `${what} at ${x[i]}`).toBeNaN();
    if (!Number.isFinite(w)) return expect(got[i], `${what} at ${x[i]}`).toBe(w);
    expect(Math.abs(got[i] - w), `${what} at ${x[i]}: ${got[i]} vs ${w}`).toBeLessThanOrEqual(abs + rel * Math.abs(w));
  });
}

describe.each<BackendName>(['js', 'wasm', 'webgpu'])('erf on %s', (name) => {
  it("matches torch.erf within 1.5e-7 (3 ulp) and its gradient 2/√π·e^(−x²) within 2e-6", async () => {
    await bg.init({ backend: name });
    const t = bg.tensor(x, [x.length], { requiresGrad: true });
    const y = bg.erf(t);
    expectNear((await y.data()) as Float32Array, want, 1.5e-7, 3e-7, 'erf');
    const loss = bg.sum(y);
    loss.backward();
    expectNear((await t.grad!.data()) as Float32Array, wantGrad, 1e-7, 2e-6, 'gradient');
    expect(Object.is((await bg.erf(bg.tensor([-0], [1])).data())[0], -0)).toBe(true); // odd, as torch.erf(-0.0)
    for (const v of [t, y, loss]) v.dispose();
  });
});
