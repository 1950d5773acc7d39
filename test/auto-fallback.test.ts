// 'auto' on a host where neither WebGPU nor the wasm kernels start (both made to fail here): it falls back
// to the js reference and says why, in backendInfo() and in one console warning (issue: a one-liner fell
// back to js, 22x slower, without a word).
import { describe, expect, it, vi } from 'vitest';
import * as bg from '../src/index.ts';

vi.mock('../src/backend/webgpu/index.ts', () => ({
  createWebGPUBackend: async () => {
    throw new Error('webgpu backend: no WebGPU adapter (injected by the test)');
  },
}));
vi.mock('../src/backend/wasm/index.ts', () => ({
  createWasmBackend: async () => {
    throw new Error('wasm backend: this host does not support WebAssembly SIMD (injected by the test)');
  },
}));

describe("'auto' with no WebGPU and no wasm", () => {
  it('runs on js and says why, once', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      expect(await bg.init({ backend: 'auto' })).toBe('js');
      const because = 'webgpu: webgpu backend: no WebGPU adapter (injected by the test); wasm: wasm backend: this host does not support WebAssembly SIMD (injected by the test)';
      expect(bg.backendInfo().details.fallbackBecause).toBe(because);
      await bg.init({ backend: 'auto' });
      expect(warn.mock.calls).toEqual([[`blockgrad: init({ backend: 'auto' }) chose js: ${because}`]]);
      await expect(bg.init({ backend: 'wasm' })).rejects.toThrow(/does not support WebAssembly SIMD/); // asked for by name: an error
    } finally {
      warn.mockRestore();
    }
  });
});
