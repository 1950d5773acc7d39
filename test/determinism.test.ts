// Determinism: on wasm the same seed and thread count give bitwise-identical parameters after N steps,
// and so do different thread counts (a GEMM task owns whole output tiles and sums over all of K in one
// fixed order; elementwise work is split by position only). WebGPU agrees with wasm within tolerance.
import { afterAll, describe, expect, it } from 'vitest';
import * as bg from '../src/index.ts';
import type { Backend } from '../src/backend/backend.ts';
import { createWasmBackend } from '../src/backend/wasm/index.ts';
import { engine } from '../src/engine.ts';
import { gemmCases, runGemmCase } from './helpers/gemm-case.ts';
import { disposeRun, maxRelativeDifference, threadedHidden, trainingRun } from './helpers/training-run.ts';

const steps = 15;
const created: Backend[] = [];
afterAll(async () => {
  await bg.init({ backend: 'js' });
  created.forEach((b) => b.dispose());
  (await bg.getBackend('webgpu')).dispose(); // Dawn keeps the process alive while a device lives
});

/** Parameters after `steps` steps from seed 7 on `backend`. */
async function trained(backend: Backend): Promise<Float32Array[]> {
  engine.backend = backend;
  const run = trainingRun(7, threadedHidden);
  for (let i = 0; i < steps; i++) run.step(i);
  const params = await run.parameters();
  disposeRun(run);
  return params;
}

async function wasm(threads: number): Promise<Backend> {
  const b = await createWasmBackend({ threads });
  created.push(b);
  return b;
}

describe(`determinism over ${steps} training steps`, () => {
  const results = new Map<number, Float32Array[]>();
  it.each([1, 2, 3])('wasm, %i threads: two runs on fresh backends are bitwise identical', async (threads) => {
    const first = await trained(await wasm(threads));
    expect(await trained(await wasm(threads))).toEqual(first);
    results.set(threads, first);
  });

  it('wasm, 1, 2 and 3 threads: bitwise identical to each other', () => {
    expect(results.get(2)).toEqual(results.get(1));
    expect(results.get(3)).toEqual(results.get(1));
  });

  it('webgpu agrees with wasm within float tolerance', async () => {
    const gpu = await trained(await bg.getBackend('webgpu'));
    expect(maxRelativeDifference(gpu, results.get(1)!)).toBeLessThan(1e-4);
  });
});

describe('wasm GEMMs split so that a task holds the last 1..3 rows', () => {
  // (49, 1, 400, 8) on 2 threads: row tasks of 16, the last one row (those rows once took a dot-product path of their own)
  it.each([[49, 1, 400, 8], [50, 2, 200, 13], [99, 1, 300, 16]])('blockLinear B = %i, G = %i, I = %i, O = %i: 2 and 3 threads give the bits of 1', async (B, G, I, O) => {
    const [c] = gemmCases([{ B, G, I, O, precision: 'f32' }], B * 7919 + I);
    const one = (await runGemmCase(await wasm(1), c)).y;
    expect((await runGemmCase(await wasm(2), c)).y).toEqual(one);
    expect((await runGemmCase(await wasm(3), c)).y).toEqual(one);
  });
});
