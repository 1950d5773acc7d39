// Masked and extreme logits, and every op that selects by a mask (issue: crossEntropy multiplied the
// log-probabilities by a one-hot, and 0·(−∞) is NaN). PyTorch 1.13's losses and gradients on logits
// holding ±∞ and values near the f32 limits, and relu / maximum / minimum backward under an infinite
// upstream gradient, on js, wasm and webgpu. Reference: test/fixtures/torch-reference.json, from
// scripts/torch-reference-values.py.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as bg from '../src/index.ts';
import type { BackendName } from '../src/backend/backend.ts';
import { expectTorchValues, torchReference } from './helpers/torch-reference.ts';

const { losses, masks } = torchReference;
const ops: Record<string, (...t: bg.Tensor[]) => bg.Tensor> = { relu: bg.relu, reluAtZeroAndNaN: bg.relu, maximum: bg.maximum, minimum: bg.minimum };

describe.each<BackendName>(['js', 'wasm', 'webgpu'])('masked and extreme values on %s', (backend) => {
  beforeAll(async () => {
    await bg.init({ backend });
  });

  it("the issue's input: crossEntropy([[2, -inf, 0.5, -inf]], [0]) is 0.2014133 with gradient [-0.182426, 0, 0.182426, 0]", async () => {
    const x = bg.tensor([2, -Infinity, 0.5, -Infinity], [1, 4], { requiresGrad: true });
    const loss = bg.crossEntropy(x, bg.tensor(Int32Array.of(0), [1]));
    loss.backward();
    expect(await loss.item()).toBeCloseTo(0.2014133, 6);
    expectTorchValues(await x.grad!.data(), [-0.182426, 0, 0.182426, 0], 1e-6, 'gradient');
  });

  it.each(Object.keys(losses))('crossEntropy, %s: PyTorch\'s loss and gradient', async (name) => {
    const c = losses[name];
    const start = bg.memory();
    const x = bg.tensor(c.logits, c.shape, { requiresGrad: true });
    const labels = bg.tensor(Int32Array.from(c.labels), [c.labels.length]);
    const loss = bg.crossEntropy(x, labels);
    loss.backward();
    expectTorchValues([await loss.item()], [c.loss], 2e-7, 'loss');
    expectTorchValues(await x.grad!.data(), c.grad, 2e-7, 'gradient');
    for (const t of [x.grad!, x, labels, loss]) t.dispose();
    expect(bg.memory()).toEqual(start);
  });

  it.each(Object.keys(masks))('%s backward under an infinite upstream gradient: 0 where unselected, as PyTorch', async (name) => {
    const c = masks[name];
    const xs = c.inputs.map((v) => bg.tensor(v, [v.length], { requiresGrad: true }));
    const y = ops[name](...xs);
    y.backward(bg.tensor(c.upstream, [c.upstream.length]));
    expectTorchValues(await y.data(), c.output, 0, `${name} output`);
    for (const [k, x] of xs.entries()) expectTorchValues(await x.grad!.data(), c.grads[k], 0, `${name} gradient ${k}`);
  });

  it('the fused relu of blockLinear passes 0, not NaN, where an infinite gradient meets a clipped unit', async () => {
    // y = relu(x·Wᵀ) with one unit clipped (pre-activation -1) and one open (2); upstream [inf, 1].
    const x = bg.tensor([1], [1, 1], { requiresGrad: true });
    const w = bg.tensor([-1, 2], [1, 2, 1], { requiresGrad: true });
    const y = bg.blockLinear(x, w, null, { activation: 'relu' });
    y.backward(bg.tensor([Infinity, 1], [1, 2]));
    expect([...(await w.grad!.data())]).toEqual([0, 1]); // PyTorch: threshold_backward gives 0 at the clipped unit
    expect([...(await x.grad!.data())]).toEqual([2]);
  });
});

afterAll(async () => {
  await bg.init({ backend: 'js' });
  (await bg.getBackend('webgpu')).dispose(); // Dawn keeps the process alive while a device lives
});
