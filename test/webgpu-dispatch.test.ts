// WebGPU dispatch limits (issue: blockLinear(ones([1, 1]), ones([1, 2_100_000, 1])) asked for 65,625
// workgroups in x, past the adapter's 65,535, and the uncaptured error then failed every later call).
// Every kernel family folds its workgroups over x, y and z within the adapter's limit: first with the limit
// lowered to 8 per dimension, so that small tensors drive every family through x, y and z (results equal to
// the js reference's), then at the adapter's own limit. That a device error fails one op, not the backend,
// is test/webgpu-device-errors.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as bg from '../src/index.ts';
import type { Backend } from '../src/backend/backend.ts';
import { referenceBackend } from '../src/backend/js/js-backend.ts';
import { createWebGPUBackend } from '../src/backend/webgpu/create.ts';
import { engine } from '../src/engine.ts';

let folded: Backend;
const made: Backend[] = [];
beforeAll(async () => {
  folded = await createWebGPUBackend({ maxWorkgroupsPerDimension: 8 });
  made.push(folded);
});
afterAll(async () => {
  engine.backend = referenceBackend;
  for (const b of made) b.dispose();
  (await bg.getBackend('webgpu')).dispose(); // Dawn keeps the process alive while a device lives
});

/** fn's results (outputs, then the gradients of `inputs` after backward of their sum) on a backend. */
async function results(backend: Backend, fn: (...t: bg.Tensor[]) => bg.Tensor, inputs: { values: Float32Array; shape: number[]; grad?: boolean }[]) {
  engine.backend = backend;
  const ts = inputs.map((i) => bg.tensor(i.values, i.shape, { requiresGrad: i.grad ?? false }));
  const y = fn(...ts);
  if (ts.some((t) => t.requiresGrad)) bg.sum(y).backward();
  const out = [Array.from(await y.data()), ...(await Promise.all(ts.filter((t) => t.requiresGrad).map(async (t) => Array.from(await t.grad!.data()))))];
  engine.backend = referenceBackend;
  return out;
}

const rng = new bg.Rng(4);
const values = (n: number) => Float32Array.from({ length: n }, () => rng.normal());

/** Each case: an op, its inputs, and the workgroups its largest dispatch needs (past 8 · 8 = 64: x, y and z used). */
const cases: [string, (...t: bg.Tensor[]) => bg.Tensor, { values: Float32Array; shape: number[]; grad?: boolean }[]][] = [
  ['elementwise: unary, scalar and broadcasting binary (70 workgroups)', (a, b) => bg.add(bg.mul(bg.exp(a), 2), b), [{ values: values(70 * 256), shape: [70, 256], grad: true }, { values: values(256), shape: [256], grad: true }]],
  ['copyStrided: a transpose (70 workgroups)', (a) => bg.transpose(a, [1, 0]), [{ values: values(140 * 128), shape: [140, 128] }]],
  ['reduce over the last axis (70 workgroups) and the first (75)', (a, b) => bg.add(bg.sum(a, 1), bg.slice(bg.sum(b, 0), 0, 0, 70)), [{ values: values(70 * 3), shape: [70, 3] }, { values: values(3 * 1200), shape: [3, 1200] }]],
  ['softmax and log-softmax rows (70 workgroups)', (a) => bg.add(bg.softmax(a), bg.logSoftmax(a)), [{ values: values(70 * 5), shape: [70, 5], grad: true }]],
  ['crossEntropy: oneHot and mask (70 workgroups)', (a) => bg.crossEntropy(a, bg.tensor(Int32Array.from({ length: 70 }, (_, i) => (i * 37) % 256), [70])), [{ values: values(70 * 256), shape: [70, 256], grad: true }]],
  ['blockLinear forward and both gradients: 3 × 3 tiles × 8 blocks (72 workgroups)', (x, w, b) => bg.blockLinear(x, w, b), [{ values: values(70 * 40), shape: [70, 40], grad: true }, { values: values(8 * 70 * 5), shape: [8, 70, 5], grad: true }, { values: values(560), shape: [560], grad: true }]],
  ['blockLinear with 70 blocks of one unit (70 workgroups)', (x, w) => bg.blockLinear(x, w, null, { activation: 'relu' }), [{ values: values(2 * 70), shape: [2, 70], grad: true }, { values: values(70), shape: [70, 1, 1], grad: true }]],
  ['blockLinear at f16: packHalf over 70 workgroups', (x, w) => bg.blockLinear(x, w, null, { precision: 'f16' }), [{ values: values(70 * 512), shape: [70, 512], grad: true }, { values: values(512 * 2), shape: [1, 2, 512] }]],
];

describe('every kernel family folds its workgroups over x, y and z (limit lowered to 8 per dimension)', () => {
  // SwiftShader compiles each GEMM pipeline on the CPU: minutes on a busy machine.
  it.each(cases)('%s', { timeout: 600_000 }, async (_name, fn, inputs) => {
    const want = await results(referenceBackend, fn, inputs);
    const got = await results(folded, fn, inputs);
    for (const [k, w] of want.entries()) {
      const scale = Math.max(1, ...w.map(Math.abs));
      const worst = Math.max(...w.map((v, i) => Math.abs(v - got[k][i])));
      expect(got[k].length).toBe(w.length);
      expect(worst / scale, `result ${k}`).toBeLessThan(_name.includes('f16') ? 1e-3 : 1e-5);
    }
  });

  it('optimizer updates: SGD with momentum and AdamW over 70 workgroups', async () => {
    const run = async (backend: Backend) => {
      engine.backend = backend;
      const p = bg.tensor(Float32Array.from({ length: 70 * 256 }, (_, i) => Math.sin(i)), [70 * 256], { requiresGrad: true });
      const q = bg.tensor(Float32Array.from({ length: 70 * 256 }, (_, i) => Math.cos(i)), [70 * 256], { requiresGrad: true });
      const sgd = new bg.optim.SGD([p], { lr: 0.1, momentum: 0.9 });
      const adam = new bg.optim.AdamW([q], { lr: 0.01 });
      for (let s = 0; s < 2; s++) {
        p.grad = bg.tensor(Float32Array.from({ length: 70 * 256 }, (_, i) => Math.cos(i * (s + 1))), [70 * 256]);
        q.grad = bg.tensor(Float32Array.from({ length: 70 * 256 }, (_, i) => Math.sin(i * (s + 1))), [70 * 256]);
        sgd.step();
        adam.step();
        sgd.zeroGrad();
        adam.zeroGrad();
      }
      const out = [Array.from(await p.data()), Array.from(await q.data())];
      engine.backend = referenceBackend;
      return out;
    };
    const [want, got] = [await run(referenceBackend), await run(folded)];
    for (const k of [0, 1]) expect(Math.max(...want[k].map((v, i) => Math.abs(v - got[k][i])))).toBeLessThan(1e-6);
  });
});

describe("at the adapter's own limit", () => {
  it('an elementwise kernel of 65,537 workgroups (16,777,217 elements) folds past 65,535 and is right', async () => {
    await bg.init({ backend: 'webgpu' });
    const n = 65_536 * 256 + 1;
    const y = bg.add(bg.ones([n]), 2);
    const d = await y.data();
    expect([d[0], d[65_535 * 256], d[n - 1]]).toEqual([3, 3, 3]);
    expect(d.every((v) => v === 3)).toBe(true);
    y.dispose();
  });

  it("the issue's input: blockLinear(ones([1, 1]), ones([1, 2_100_000, 1])), 65,625 workgroups, then add works", async () => {
    await bg.init({ backend: 'webgpu' });
    const y = bg.blockLinear(bg.ones([1, 1]), bg.ones([1, 2_100_000, 1]));
    const d = await y.data();
    expect(d.length).toBe(2_100_000);
    expect(d.every((v) => v === 1)).toBe(true);
    expect([...(await bg.add(bg.ones([2]), bg.ones([2])).data())]).toEqual([2, 2]);
  }, 1_200_000); // SwiftShader runs the 65,625 GEMM workgroups on the CPU: about a minute on an idle machine
});
