// An explicit thread count that cannot be met warns once on the console (issue: threads: 2 in a page that is
// not cross-origin isolated quietly gave 1 thread; microsoft/onnxruntime#19148). This file marks its own
// process as not isolated, as such a page is.
import { describe, expect, it, vi } from 'vitest';
import { wasmBackends } from './helpers/wasm-backends.ts';

Object.defineProperty(globalThis, 'crossOriginIsolated', { value: false, configurable: true });
const wasm = wasmBackends();

describe('threads that cannot be had', () => {
  it('threads: 2 without cross-origin isolation: 1 thread, backendInfo() and one console warning say why', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const b = await wasm({ threads: 2 });
      expect(b.info().details.threads).toBe(1);
      expect(b.info().details.singleThreadedBecause).toMatch(/not cross-origin isolated/);
      await wasm({ threads: 2 });
      expect(warn.mock.calls).toEqual([[
        'blockgrad: the wasm backend runs 1 thread, not the 2 requested: the page is not cross-origin isolated (serve it with COOP same-origin and COEP require-corp)',
      ]]);
      // the default thread count is no request: no warning
      await wasm({});
      await wasm({ threads: 1 });
      expect(warn).toHaveBeenCalledTimes(1);
    } finally {
      warn.mockRestore();
    }
  });
});
