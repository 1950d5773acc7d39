// A device error on WebGPU (validation, out of memory) fails the one op that caused it, as an error on wasm
// does: the ops recorded before and after it in the same batch give their values, reading its output
// throws an error naming it and its shapes, and the next op works. Where no adapter exists these tests
// fail; they never skip.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as bg from '../src/index.ts';
import type { Backend } from '../src/backend/backend.ts';
import { referenceBackend } from '../src/backend/js/js-backend.ts';
import { createWebGPUBackend } from '../src/backend/webgpu/create.ts';
import { findGPU } from '../src/backend/webgpu/gpu.ts';
import { sizeClass } from '../src/backend/webgpu/pool.ts';
import { engine } from '../src/engine.ts';

const made: Backend[] = [];
/** Dawn tears its instance down when the GPU object is collected, under a live device: keep them until the end. */
const gpus: GPU[] = [];
afterAll(() => {
  engine.backend = referenceBackend;
  made.forEach((b) => b.dispose()); // Dawn keeps the process alive while a device lives
});

/** A WebGPU backend made current whose device is `wrap(real device)`: a device that misreports or fails on cue. */
async function backendOn(wrap: (device: GPUDevice) => Partial<GPUDevice>): Promise<Backend> {
  const { gpu } = await findGPU();
  gpus.push(gpu);
  const adapter = (await gpu.requestAdapter())!;
  const requestDevice = async (d?: GPUDeviceDescriptor) => {
    const device = await adapter.requestDevice(d);
    const overrides = wrap(device);
    return new Proxy(device, {
      get: (target, key) => {
        if (key in overrides) return overrides[key as keyof GPUDevice];
        const value = Reflect.get(target, key, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  };
  const backend = await createWebGPUBackend({ gpu: { requestAdapter: async () => ({ info: adapter.info, limits: adapter.limits, features: adapter.features, requestDevice }) } as unknown as GPU });
  made.push(backend);
  engine.backend = backend;
  return backend;
}

const values = async (t: bg.Tensor) => [...(await t.data())];

describe('a dispatch the device refuses fails that op alone', () => {
  let backend: Backend;
  beforeAll(async () => {
    // A device that overstates its workgroup limit (as a driver might): the backend folds nothing for grids
    // up to 2^20, and the real device refuses the dispatch, as before dispatches were folded (issue 14).
    backend = await backendOn((device) => ({ limits: { ...limitsOf(device), maxComputeWorkgroupsPerDimension: 1 << 20 } as GPUSupportedLimits }));
  });

  it("the issue's blockLinear in the middle of a batch: ops before and after it are right, its output names it, add works", async () => {
    engine.backend = backend;
    const before = bg.memory();
    const a = bg.tensor([1, 2, 3]);
    const x = bg.ones([1, 1]), w = bg.ones([1, 2_100_000, 1]);
    const earlier = bg.mul(a, 2); // recorded in the same batch as the refused op, before it
    const refused = bg.blockLinear(x, w); // 65,625 workgroups in x, past the real 65,535
    const later = bg.add(earlier, 1); // in the same batch, after it
    const dependent = bg.exp(refused); // reads the refused op's output
    expect(await values(later)).toEqual([3, 5, 7]);
    expect(await values(earlier)).toEqual([2, 4, 6]);
    await expect(refused.data()).rejects.toThrow(
      /^webgpu backend: blockLinear \(B=1, G=1, I=1, O=2100000; operands of 1 f32, 2100000 f32, 2100000 f32, \d+ bytes, \d+ bytes\) failed on the device: .*65625.*65535/s,
    );
    await expect(dependent.data()).rejects.toThrow(/^webgpu backend: exp \(n=2100000; .*\) was not run: its input is the output of a failed op \(blockLinear \(B=1, .*65625/s);
    await bg.flush(); // both failures were reported by the reads above: nothing is left to report
    const [u, v] = [bg.tensor([1, 2]), bg.tensor([3, 4])];
    const sum = bg.add(u, v);
    expect(await values(sum)).toEqual([4, 6]);
    [a, x, w, earlier, refused, later, dependent, u, v, sum].forEach((t) => t.dispose());
    expect(bg.memory()).toEqual(before);
  });

  it('a failed op that nothing reads is reported by the next flush, once; later ops work', async () => {
    engine.backend = backend;
    const w = bg.ones([1, 2_100_000, 1]);
    const refused = bg.blockLinear(bg.ones([1, 1]), w);
    const after = bg.sqrt(bg.tensor([4, 9]));
    await expect(bg.flush()).rejects.toThrow(/^webgpu backend: blockLinear \(B=1, G=1, I=1, O=2100000; .*\) failed on the device/s);
    await bg.flush();
    expect(await values(after)).toEqual([2, 3]);
    expect(await values(bg.add(after, 1))).toEqual([3, 4]);
    [w, refused, after].forEach((t) => t.dispose());
  });

  it('an optimizer step whose gradient comes from a failed op is not run: the parameter keeps its value, the flush names the op', async () => {
    engine.backend = backend;
    const p = bg.tensor([1, 2, 3], [3], { requiresGrad: true });
    const opt = new bg.optim.SGD([p], { lr: 0.5 });
    const w = bg.ones([1, 2_100_000, 1]);
    p.grad = bg.add(bg.sum(bg.blockLinear(bg.ones([1, 1]), w)), bg.zeros([3])); // a gradient built on a refused op
    opt.step();
    expect(await values(p)).toEqual([1, 2, 3]);
    await expect(bg.flush()).rejects.toThrow(/^webgpu backend: blockLinear \(B=1, G=1, I=1, O=2100000; .*\) failed on the device/s);
    p.grad = bg.tensor([2, 2, 2]);
    opt.step(); // the next step works
    expect(await values(p)).toEqual([0, 1, 2]);
    w.dispose();
    opt.dispose();
    p.dispose();
  });
});

describe('out of memory on the device (injected: SwiftShader does not run out of memory)', () => {
  it('an allocation the device cannot make fails the op that made it, names it; the engine works on', async () => {
    const n = 3001; // a size class no other buffer of this test uses
    const marker = sizeClass(n * 4, Infinity);
    let inject = true;
    let forged = 0; // the next two scope pops belong to the injected allocation
    await backendOn((device) => ({
      createBuffer: (d: GPUBufferDescriptor) => {
        if (!inject || d.size !== marker) return device.createBuffer(d);
        inject = false;
        // A real invalid buffer (MAP_READ with STORAGE is refused), its validation error swallowed here and an
        // out-of-memory error reported in its place: what a device out of memory gives.
        device.pushErrorScope('validation');
        const buffer = device.createBuffer({ ...d, usage: d.usage | GPUBufferUsage.MAP_READ });
        void device.popErrorScope();
        forged = 2;
        return buffer;
      },
      popErrorScope: async () => {
        const which = forged > 0 ? forged-- : 0; // decided when called: pops called earlier may answer later
        const real = await device.popErrorScope();
        if (which === 0) return real;
        return which === 1 ? new GPUOutOfMemoryError('Not enough memory left (injected)') : null; // the validation scope, then out-of-memory
      },
    }));
    const before = bg.memory();
    const a = bg.tensor([1, 2, 3]);
    const earlier = bg.mul(a, 2);
    const big = bg.ones([n]); // its output buffer is the one the device cannot allocate
    const later = bg.add(earlier, 1);
    const dependent = bg.sum(big);
    expect(await values(later)).toEqual([3, 5, 7]);
    expect(await values(earlier)).toEqual([2, 4, 6]);
    await expect(big.data()).rejects.toThrow(
      new RegExp(`^webgpu backend: fill \\(n=${n}, bits=\\d+; operands of ${n} f32\\) failed on the device: the device could not allocate ${marker} bytes \\(out of memory: Not enough memory left \\(injected\\)\\)$`),
    );
    await expect(dependent.data()).rejects.toThrow(/^webgpu backend: sum \(reduce\) .* was not run: its input is the output of a failed op \(fill/s);
    [a, earlier, big, later, dependent].forEach((t) => t.dispose());
    expect(bg.memory()).toEqual(before);
    const again = bg.ones([n]); // the same size again: a new buffer, not the failed one
    expect((await values(bg.sum(again)))[0]).toBe(n);
    again.dispose();
  });
});

function limitsOf(device: GPUDevice): Record<string, number> {
  const out: Record<string, number> = {};
  for (const key in device.limits) out[key] = device.limits[key as keyof GPUSupportedLimits] as number;
  return out;
}
