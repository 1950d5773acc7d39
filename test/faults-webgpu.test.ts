// Faults on the WebGPU backend (Dawn in Node; SwiftShader without a GPU): the device destroyed in the
// middle of a training step, under a TrainingGuard falling back to wasm; an allocation past the
// adapter's limits. Where no adapter exists these tests fail; they never skip.
import { afterAll, describe, expect, it } from 'vitest';
import * as bg from '../src/index.ts';
import type { Backend } from '../src/backend/backend.ts';
import { createWebGPUBackend } from '../src/backend/webgpu/index.ts';
import { findGPU } from '../src/backend/webgpu/gpu.ts';
import { engine } from '../src/engine.ts';
import { TrainingGuard } from '../src/resilience.ts';
import { disposeRun, maxRelativeDifference, trainingRun } from './helpers/training-run.ts';

const created: Backend[] = [];
/** Dawn tears its instance down when the GPU object is collected, under a live device: keep them until the end. */
const gpus: GPU[] = [];
afterAll(async () => {
  await bg.init({ backend: 'js' });
  created.forEach((b) => b.dispose()); // Dawn keeps the process alive while a device lives
  gpus.length = 0;
});

/** A fresh WebGPU backend made current, and the GPUDevice under it (so that the test can destroy it). */
async function gpuWithDevice(): Promise<{ backend: Backend; device: GPUDevice }> {
  const { gpu } = await findGPU();
  gpus.push(gpu);
  const adapter = (await gpu.requestAdapter())!;
  let device: GPUDevice | undefined;
  const spy = { info: adapter.info, limits: adapter.limits, features: adapter.features, requestDevice: async (d?: GPUDeviceDescriptor) => (device = await adapter.requestDevice(d)) };
  const backend = await createWebGPUBackend({ gpu: { requestAdapter: async () => spy } as unknown as GPU });
  created.push(backend);
  engine.backend = backend;
  return { backend, device: device! };
}

const steps = 10;

describe('WebGPU device lost mid-step', () => {
  it.each([1, 4])('training goes on on wasm and ends where an uninterrupted run does (snapshot every %i steps)', async (snapshotEvery) => {
    await bg.init({ backend: 'js' });
    const reference = trainingRun(5);
    for (let i = 0; i < steps; i++) reference.step(i);
    const want = await reference.parameters();
    disposeRun(reference);

    const { backend, device } = await gpuWithDevice();
    const run = trainingRun(5);
    const fallbacks: [string, number][] = [];
    const guard = new TrainingGuard<number>(run.model, run.optimizer, { snapshotEvery, fallback: 'wasm', onFallback: (r, n) => fallbacks.push([r, n]) });
    for (let i = 0; i < steps; i++) {
      await guard.step(i, (k) => {
        run.backward(k);
        if (k === 6 && bg.backendName() === 'webgpu') device.destroy(); // between the backward and the update
        run.optimizer.step();
        run.optimizer.zeroGrad();
      });
    }
    await guard.ensureAlive(run.step);
    expect(backend.lostReason).toMatch(/device lost \(destroyed\)/);
    expect(bg.backendName()).toBe('wasm');
    expect(fallbacks).toHaveLength(1);
    expect(fallbacks[0][0]).toMatch(/device lost/);
    expect(maxRelativeDifference(await run.parameters(), want)).toBeLessThan(1e-4);
    disposeRun(run);
  });
});

describe('WebGPU out of memory', () => {
  it('an allocation past maxStorageBufferBindingSize fails clearly; memory returns to its baseline and work goes on', async () => {
    const { backend } = await gpuWithDevice();
    const limit = Number(backend.info().details.maxStorageBufferBindingSize);
    const before = bg.memory();
    expect(() => bg.tidy(() => bg.add(bg.ones([1000]), bg.zeros([limit / 4 + 1, 1])))).toThrow(
      /webgpu backend: cannot allocate \d+ f32 \(\d+ bytes\): more than this adapter's maxStorageBufferBindingSize/,
    );
    expect(bg.memory()).toEqual(before);
    const one = bg.ones([3]), t = bg.add(one, 1);
    expect([...(await t.data())]).toEqual([2, 2, 2]);
    [one, t].forEach((x) => x.dispose());
    expect(bg.memory()).toEqual(before);
  });
});
