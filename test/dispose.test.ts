// Freeing a model and its optimizer (issue: no Module.dispose(), so a user freed each parameter by hand):
// after training steps, model.dispose() and optimizer.dispose() bring memory back to its baseline on every
// backend (live tensors and the backend's bytes).
import { afterAll, describe, expect, it } from 'vitest';
import * as bg from '../src/index.ts';
import type { BackendName } from '../src/backend/backend.ts';

afterAll(async () => {
  await bg.init({ backend: 'js' });
  (await bg.getBackend('webgpu')).dispose(); // Dawn keeps the process alive while a device lives
});

async function train(model: bg.nn.Module, optimizer: bg.optim.Optimizer, x: bg.Tensor, y: bg.Tensor, steps: number, estimators: number) {
  for (let s = 0; s < steps; s++) {
    optimizer.zeroGrad();
    const loss = bg.tidy(() => {
      const l = bg.crossEntropy(bg.rearrangeEstimators(model.forward(x), estimators), bg.repeat(y, estimators));
      l.backward();
      return l;
    });
    optimizer.step();
    await loss.item();
    loss.dispose();
  }
}

describe.each<BackendName>(['js', 'wasm', 'webgpu'])('Module.dispose() and Optimizer.dispose() on %s', (backend) => {
  it('a trained PackedMLP and its AdamW state: memory back to the baseline, gradients included', async () => {
    await bg.init({ backend });
    await bg.flush();
    const baseline = bg.memory();
    const model = new bg.nn.PackedMLP({ inFeatures: 5, hiddenFeatures: [7, 6], numClasses: 3, numEstimators: 2, rng: new bg.Rng(3) });
    const optimizer = new bg.optim.AdamW(model.parameters(), { lr: 1e-2 });
    const x = bg.randn([4, 5]), y = bg.tensor(Int32Array.from([0, 1, 2, 1]), [4]);
    await train(model, optimizer, x, y, 3, 2); // the last step's gradients stay on the parameters
    expect(model.parameters().every((p) => p.grad)).toBe(true);
    expect(bg.memory().bytes).toBeGreaterThan(baseline.bytes);
    model.dispose();
    optimizer.dispose();
    x.dispose();
    y.dispose();
    await bg.flush();
    expect(bg.memory()).toEqual(baseline);
    model.dispose(); // again: nothing happens
    expect(() => model.forward(bg.ones([1, 5]))).toThrow(/disposed/);
    expect(bg.memory().tensors).toBe(baseline.tensors + 1); // only the ones([1, 5]) made above
  });

  it('a Sequential of Linear layers and its SGD momentum state', async () => {
    await bg.init({ backend });
    await bg.flush();
    const baseline = bg.memory();
    const model = new bg.nn.Sequential(new bg.nn.Linear(4, 6, { rng: new bg.Rng(2) }), new bg.nn.ReLU(), new bg.nn.Linear(6, 2, { rng: new bg.Rng(4) }));
    const optimizer = new bg.optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
    const x = bg.randn([3, 4]), y = bg.tensor(Int32Array.from([0, 1, 1]), [3]);
    await train(model, optimizer, x, y, 2, 1);
    expect(optimizer.stateTensors().length).toBe(4);
    model.dispose();
    optimizer.dispose();
    for (const t of [x, y]) t.dispose();
    await bg.flush();
    expect(bg.memory()).toEqual(baseline);
  });
});

describe('Module.dispose() frees buffers too', () => {
  it('PackedLeNet with BatchNorm on js', async () => {
    await bg.init({ backend: 'js' });
    const baseline = bg.memory();
    const model = new bg.nn.PackedLeNet({ inChannels: 1, numClasses: 3, numEstimators: 2, norm: 'batchnorm', rng: new bg.Rng(1) });
    expect(model.namedBuffers().length).toBeGreaterThan(0);
    model.dispose();
    expect(bg.memory()).toEqual(baseline);
  });
});
