// The wasm backend as a page without cross-origin isolation gets it: no SharedArrayBuffer, so the unshared
// builds on one thread, with backendInfo() saying why. This file marks its own process as not isolated.
import { describe, expect, it } from 'vitest';
import { kernelSuite } from './helpers/kernel-suite.ts';
import { wasmBackends } from './helpers/wasm-backends.ts';

Object.defineProperty(globalThis, 'crossOriginIsolated', { value: false, configurable: true });

const wasm = wasmBackends();
const make = () => wasm({ threads: 4 });

describe('wasm backend without cross-origin isolation', () => {
  it('runs single-threaded on unshared memory and says why', async () => {
    const { details } = (await make()).info();
    expect(details.threads).toBe(1);
    expect(details.sharedMemory).toBe(false);
    expect(details.singleThreadedBecause).toMatch(/not cross-origin isolated \(serve it with COOP same-origin and COEP require-corp\)/);
  });
});

kernelSuite('wasm, not cross-origin isolated (unshared build)', make);
