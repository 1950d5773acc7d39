// Precision 'f16' on WebGPU: which GEMM variant each adapter gets, and the native `shader-f16` variant
// compiled on Dawn's null adapter (it offers every feature but runs nothing) where SwiftShader lacks it.
import { afterAll, describe, expect, it } from 'vitest';
import type { Backend, BlockShape } from '../src/backend/backend.ts';
import { createWebGPUBackend } from '../src/backend/webgpu/index.ts';
import { findGPU } from '../src/backend/webgpu/gpu.ts';
import { gemmOperands } from '../src/backend/webgpu/precision.ts';

const created: Backend[] = [];
afterAll(() => created.forEach((b) => b.dispose()));

/** Runs the three block GEMMs at precision f16 (shapes on and off the 32-tile grid). */
function runGemms(b: Backend): void {
  for (const shape of [{ B: 33, G: 3, I: 17, O: 9 }, { B: 64, G: 2, I: 32, O: 32 }] as BlockShape[]) {
    const f16 = { ...shape, precision: 'f16' as const };
    const { B, G, I, O } = shape;
    const [x, w, bias, y, dx, dw] = [B * G * I, G * O * I, G * O, B * G * O, B * G * I, G * O * I].map((n) => b.alloc(n, 'f32'));
    b.blockLinear(x, w, bias, y, f16, 'relu');
    b.blockLinearInputGrad(y, w, dx, f16);
    b.blockLinearWeightGrad(y, x, dw, f16);
    [x, w, bias, y, dx, dw].forEach((s) => b.free(s));
  }
}

describe('f16 GEMM variant selection', () => {
  it('picks f32 operands at f32, packed f16 without shader-f16 and native f16 with it', () => {
    expect(gemmOperands('f32', false)).toBe('f32');
    expect(gemmOperands('f32', true)).toBe('f32');
    expect(gemmOperands('f16', false)).toBe('f16');
    expect(gemmOperands('f16', true)).toBe('f16-native');
  });

  it('the backend on this machine reports the variant its adapter gets', async () => {
    const b = await createWebGPUBackend();
    created.push(b);
    const { shaderF16, f16Gemm } = b.info().details;
    expect(f16Gemm).toBe(gemmOperands('f16', shaderF16 === true));
  });
});

describe('native f16 variant on an adapter with shader-f16 (Dawn null backend)', () => {
  it('requests shader-f16, selects the native variant and compiles every f16 pipeline without error', async () => {
    await findGPU(); // installs the `webgpu` package's globals
    const { create } = (await import('webgpu')) as { create(flags: string[]): GPU };
    const real = create(['backend=null']);
    const adapter = (await real.requestAdapter())!;
    expect(adapter.info.device).toMatch(/null/i);
    expect(adapter.features.has('shader-f16')).toBe(true);
    const modules: GPUShaderModule[] = [];
    let device: GPUDevice | undefined;
    // An adapter that lets the test see the device and every shader module the backend creates.
    const spy = {
      info: adapter.info,
      limits: adapter.limits,
      features: adapter.features,
      requestDevice: async (d?: GPUDeviceDescriptor) => {
        device = await adapter.requestDevice(d);
        const createShaderModule = device.createShaderModule.bind(device);
        device.createShaderModule = (desc) => {
          const m = createShaderModule(desc);
          modules.push(m);
          return m;
        };
        return device;
      },
    };
    const b = await createWebGPUBackend({ gpu: { requestAdapter: async () => spy } as unknown as GPU });
    created.push(b);
    expect(device!.features.has('shader-f16')).toBe(true);
    expect(b.info().details.f16Gemm).toBe('f16-native');
    runGemms(b);
    await b.flush(); // throws the first uncaptured WebGPU error (invalid module or pipeline)
    // db is a plain sum in ops/blocklinear.ts, not part of the backend's weight-gradient GEMM
    expect(modules.map((m) => m.label).sort()).toEqual(['blockLinear:f16-native', 'half']);
    for (const m of modules) {
      const errors = (await m.getCompilationInfo()).messages.filter((msg) => msg.type === 'error');
      expect(errors.map((e) => e.message), m.label).toEqual([]);
    }
    // The null device does validate WGSL: f16 without `enable f16;` is an error there.
    device!.pushErrorScope('validation');
    const bad = device!.createShaderModule({ code: 'fn f() -> f16 { return 1.0h; }' });
    expect((await bad.getCompilationInfo()).messages.some((msg) => msg.type === 'error')).toBe(true);
    await device!.popErrorScope();
  });
});
