// The WebGPU backend on real WebGPU: Dawn in Node (SwiftShader when there is no GPU).
// Where no adapter exists the tests fail with the backend's error; they never skip.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Backend } from '../src/backend/backend.ts';
import { createWebGPUBackend, type WebGPUOptions } from '../src/backend/webgpu/index.ts';
import { findGPU } from '../src/backend/webgpu/gpu.ts';
import { sizeClass } from '../src/backend/webgpu/pool.ts';
import { toWalk } from '../src/backend/webgpu/strided.ts';
import { blockShapes, kernelSuite } from './helpers/kernel-suite.ts';
import { JsBackend } from '../src/backend/js/js-backend.ts';
import { Rng } from '../src/random.ts';

const created: Backend[] = [];
async function make(options?: WebGPUOptions): Promise<Backend> {
  const b = await createWebGPUBackend(options);
  created.push(b);
  return b;
}
// Dawn keeps the process alive while a device lives.
afterAll(() => created.forEach((b) => b.dispose()));

kernelSuite('webgpu', () => make());

describe('webgpu backend engineering', () => {
  let gpu: Backend;
  // Made before any test, so that a -t filter selecting some tests still has it.
  beforeAll(async () => {
    gpu = await make();
  });
  it('creates a backend on an adapter', () => {
    expect(gpu.name).toBe('webgpu');
    expect(gpu.downloadSync).toBeUndefined();
    expect(String(gpu.info().details.adapter)).not.toBe('');
    expect(gpu.info().details.software).toBeTypeOf('boolean');
  });

  it('reports a missing adapter clearly', async () => {
    const noAdapter = { requestAdapter: async () => null } as unknown as GPU;
    await expect(createWebGPUBackend({ gpu: noAdapter })).rejects.toThrow(/^webgpu backend: no WebGPU adapter \(.+\)$/);
  });

  it('reports a lost device through lostReason and refuses further work', async () => {
    const { gpu: real } = await findGPU();
    const adapter = (await real.requestAdapter())!;
    let device: GPUDevice | undefined;
    // An adapter that hands the test the device it creates, so that the test can lose it.
    const spy = {
      info: adapter.info,
      limits: adapter.limits,
      features: adapter.features,
      requestDevice: async (d?: GPUDeviceDescriptor) => (device = await adapter.requestDevice(d)),
    };
    const b = await make({ gpu: { requestAdapter: async () => spy } as unknown as GPU });
    expect(b.lostReason).toBeNull();
    const s = b.alloc(4, 'f32');
    device!.destroy();
    await device!.lost;
    expect(b.lostReason).toMatch(/^webgpu backend: device lost \(destroyed\)/);
    expect(() => b.alloc(1, 'f32')).toThrow(/device lost/);
    b.free(s); // freeing what lived on the lost device still works
  });

  it('refuses storages of another backend and storages used after free()', () => {
    const s = gpu.alloc(3, 'f32');
    gpu.free(s);
    expect(() => gpu.fill(s, 1)).toThrow(/used after free/);
    expect(() => gpu.fill(new JsBackend().alloc(3, 'f32'), 1)).toThrow(/another backend/);
  });

  it('reuses pooled buffers: allocatedBytes returns to its start, no new GPU buffers', async () => {
    const start = gpu.allocatedBytes();
    const first = [gpu.alloc(1000, 'f32'), gpu.alloc(17, 'i32'), gpu.alloc(0, 'f32')];
    expect(gpu.allocatedBytes()).toBe(start + 4 * 1017);
    first.forEach((s) => gpu.free(s));
    expect(gpu.allocatedBytes()).toBe(start);
    const buffers = gpu.info().details.gpuBuffers;
    const again = [gpu.alloc(1000, 'f32'), gpu.alloc(17, 'i32'), gpu.alloc(0, 'f32')];
    expect(gpu.info().details.gpuBuffers).toBe(buffers);
    again.forEach((s) => gpu.free(s));
    expect(gpu.allocatedBytes()).toBe(start);
  });

  it('refuses an allocation beyond maxStorageBufferBindingSize with a clear error and keeps working', async () => {
    const limit = Number(gpu.info().details.maxStorageBufferBindingSize);
    const start = gpu.allocatedBytes();
    expect(() => gpu.alloc(limit / 4 + 1, 'f32')).toThrow(/maxStorageBufferBindingSize of \d+ bytes/);
    expect(gpu.allocatedBytes()).toBe(start);
    const s = gpu.alloc(5, 'f32');
    gpu.upload(s, Float32Array.of(1, 2, 3, 4, 5));
    gpu.scalar('mul', s, 2, s);
    expect(Array.from(await gpu.download(s))).toEqual([2, 4, 6, 8, 10]);
    gpu.free(s);
  });

  it('folds 1-D grids past 65535 workgroups into y', async () => {
    const n = 65535 * 256 + 300;
    const big = gpu.alloc(n, 'f32');
    gpu.fill(big, 3);
    gpu.scalar('add', big, 1, big);
    const v = await gpu.download(big);
    gpu.free(big);
    expect([v[0], v[65535 * 256 - 1], v[65535 * 256], v[n - 1]]).toEqual([4, 4, 4, 4]);
  });

  it('runs many kernels in a row, then one download (lazy submission, batches split past their size)', async () => {
    const ref = new JsBackend();
    const rng = new Rng(7);
    const shape = blockShapes[4];
    const { B, G, I, O } = shape;
    const data = [B * G * I, G * O * I, G * O].map((n) => Float32Array.from({ length: n }, () => rng.normal()));
    const results: Float32Array[] = [];
    for (const b of [ref, gpu]) {
      const [x, w, bias] = data.map((d) => {
        const s = b.alloc(d.length, 'f32');
        b.upload(s, d);
        return s;
      });
      const y = b.alloc(B * G * O, 'f32'), dx = b.alloc(B * G * I, 'f32'), sum = b.alloc(B * G * O, 'f32');
      b.fill(sum, 0);
      // 100 steps of 4 kernels: more dispatches than one batch holds before the single read. The small
      // step keeps the iteration contracting; the running sum of y makes every step count.
      for (let step = 0; step < 100; step++) {
        b.blockLinear(x, w, bias, y, shape, 'relu');
        b.blockLinearInputGrad(y, w, dx, shape);
        b.scalar('mul', dx, 1e-3, x);
        b.binary('add', sum, y, sum, [B * G * O], [1], [1]); // in place: the backend reads a copy of sum
      }
      results.push((await b.download(sum)) as Float32Array);
      [x, w, bias, y, dx, sum].forEach((s) => b.free(s));
    }
    const [want, got] = results;
    for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(1e-4 * (1 + Math.abs(want[i])));
  });
});

describe('webgpu host helpers', () => {
  it('rounds buffer sizes to classes with at most 25% slack, within the binding limit', () => {
    expect([1, 256, 257, 1000, 1025, 4096].map((b) => sizeClass(b, 1 << 30))).toEqual([256, 256, 320, 1024, 1280, 4096]);
    for (let b = 1; b < 1 << 20; b = Math.ceil(b * 1.37)) {
      const c = sizeClass(b, 1 << 30);
      expect(c).toBeGreaterThanOrEqual(b);
      expect(c).toBeLessThanOrEqual(Math.max(256, b * 1.25));
    }
    expect(sizeClass(1000, 1001)).toBe(1000);
  });

  it('merges contiguous axes and drops size-1 axes of a strided walk', () => {
    expect(toWalk('binary', [3, 4, 5], [20, 5, 1], [0, 5, 1])).toEqual({ shape: [3, 20], a: [20, 1], b: [0, 1] });
    expect(toWalk('binary', [1, 7, 1], [7, 1, 1], [0, 1, 1])).toEqual({ shape: [7], a: [1], b: [1] });
    expect(toWalk('copyStrided', [5, 2, 3], [1, 15, 5], [6, 3, 1])).toEqual({ shape: [5, 6], a: [1, 5], b: [6, 1] });
    const shape = [2, 2, 2, 2, 2, 2, 2];
    const alternating = shape.map((_, d) => (d % 2 ? 1 : 1000) * 2 ** d);
    expect(() => toWalk('binary', shape, alternating, shape.map(() => 0))).toThrow(/at most 6 axes, got 7/);
  });
});
