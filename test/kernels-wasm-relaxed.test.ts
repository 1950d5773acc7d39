// The relaxed-SIMD build (fused multiply-add: what Chrome and Node ≥ 22 run) through the same kernel and op
// suites as the plain one. Node 20 validates it only behind a V8 flag, which this file sets for its own
// process before the first module compiles; the other suites keep the plain-SIMD build.
import { setFlagsFromString } from 'node:v8';
import { describe, expect, it } from 'vitest';
import { init } from '../src/index.ts';
import { kernelSuite } from './helpers/kernel-suite.ts';
import { opSuite } from './helpers/op-suite.ts';
import { wasmBackends } from './helpers/wasm-backends.ts';

setFlagsFromString('--experimental-wasm-relaxed-simd');

const wasm = wasmBackends();
const make = (threads: number, relaxedSimd?: boolean) => wasm({ threads, relaxedSimd });

describe('wasm build selection', () => {
  it('runs the relaxed-SIMD build where the host validates it', async () => {
    const { details } = (await make(2)).info();
    expect(details.simd).toBe('relaxed-simd');
    expect(details.relaxedSimdOff).toBeUndefined();
  });
  it('runs the plain-SIMD build when relaxedSimd: false is asked for, and says so', async () => {
    const { details } = (await make(1, false)).info();
    expect(details.simd).toBe('simd');
    expect(details.relaxedSimdOff).toMatch(/relaxedSimd: false/);
  });
});

for (const threads of [1, 2]) kernelSuite(`wasm relaxed SIMD, ${threads} thread${threads > 1 ? 's' : ''}`, () => make(threads));

opSuite('wasm relaxed SIMD, 2 threads', () => init({ backend: 'wasm', threads: 2 }));
