// A packed MLP's training step on WebGPU reads nothing back unless asked; a model and its optimizer
// move between backends mid-training and carry on as if nothing happened.
import { afterAll, describe, expect, it } from 'vitest';
import * as bg from '../src/index.ts';
import { engine } from '../src/engine.ts';
import { config, disposeRun, maxRelativeDifference, trainingRun } from './helpers/training-run.ts';

const referenceBackend = engine.backend;
afterAll(async () => {
  engine.backend = referenceBackend;
  (await bg.getBackend('webgpu')).dispose(); // Dawn keeps the process alive while a device lives
});

describe('no readback inside a training step on WebGPU', () => {
  it.each(['f32', 'f16'] as const)('a whole PackedMLP step (forward, backward, Adam, zeroGrad) maps no buffer at precision %s; loss.item() maps one', async (precision) => {
    await bg.init({ backend: 'webgpu' });
    // Every readback of WebGPU goes through GPUBuffer.mapAsync: count the calls, whoever makes them.
    const proto = (globalThis as unknown as { GPUBuffer: { prototype: GPUBuffer } }).GPUBuffer.prototype;
    const mapAsync = proto.mapAsync;
    let maps = 0;
    proto.mapAsync = function (this: GPUBuffer, ...args: Parameters<GPUBuffer['mapAsync']>) {
      maps++;
      return mapAsync.apply(this, args);
    };
    try {
      const rng = new bg.Rng(5);
      const model = new bg.nn.PackedMLP({ ...config, precision, rng });
      const optimizer = new bg.optim.Adam(model.parameters(), { lr: 0.01 });
      const x = bg.randn([32, config.inFeatures], { rng });
      const labels = bg.tensor(Int32Array.from({ length: 32 }, (_, i) => i % config.numClasses), [32], { dtype: 'i32' });
      let loss: bg.Tensor | null = null;
      for (let step = 0; step < 3; step++) {
        loss?.dispose();
        loss = bg.tidy(() => {
          const l = bg.crossEntropy(model.estimatorLogits(x), bg.repeat(labels, config.numEstimators));
          l.backward();
          return l;
        });
        optimizer.step();
        optimizer.zeroGrad();
      }
      expect(maps).toBe(0);
      expect(await loss!.item()).toBeGreaterThan(0);
      expect(maps).toBe(1);
    } finally {
      proto.mapAsync = mapAsync;
    }
  });
});

describe('moving a model and its optimizer between backends mid-training', () => {
  const seed = 11, before = 3, after = 3;

  /** Parameters after `before + after` steps on js alone. */
  async function reference(): Promise<Float32Array[]> {
    engine.backend = await bg.getBackend('js');
    const run = trainingRun(seed);
    for (let i = 0; i < before + after; i++) run.step(i);
    const params = await run.parameters();
    disposeRun(run);
    return params;
  }

  it.each(['wasm', 'js'] as const)('webgpu, then model.to(%s) and optimizer.to(…), matches a run on js alone', async (target) => {
    const want = await reference();
    engine.backend = await bg.getBackend('webgpu');
    const run = trainingRun(seed);
    for (let i = 0; i < before; i++) run.step(i);
    await run.model.to(target);
    await run.optimizer.to(target);
    engine.backend = await bg.getBackend(target); // new tensors (the batches) are made there too
    expect(run.model.parameters().every((p) => p.backend.name === target)).toBe(true);
    expect(run.optimizer.stateTensors().every((t) => t.backend.name === target)).toBe(true);
    for (let i = before; i < before + after; i++) run.step(i);
    const got = await run.parameters();
    disposeRun(run);
    expect(maxRelativeDifference(got, want)).toBeLessThan(1e-4);
  });
});
