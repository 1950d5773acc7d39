// The WebGPU backend's three block GEMMs on the benchmark grid (B = 128, square blocks I = O = F):
// GFLOP/s of forward (bias fused), input grad, weight grad (with db) and their sum, per kernel.
// Run: npx tsx bench/webgpu-gemm.ts   (medians of 5 runs after a warm-up; a run is `reps` dispatches and one flush;
// about 8 minutes on SwiftShader with 2 cores)
// Without a GPU the adapter is SwiftShader, which runs on the CPU: its figures say nothing about GPUs.
import type { Backend, BlockShape, Storage } from '../src/backend/backend.ts';
import { createWebGPUBackend } from '../src/backend/webgpu/index.ts';
import { B, gridPoints } from './lib/grid.ts';

const RUNS = 5;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[s.length >> 1];
}

/** Median seconds per call of `fn`, queued `reps` times per run with reps doubled until a run lasts ≥ 50 ms. */
async function time(be: Backend, fn: () => void): Promise<number> {
  const run = async (reps: number): Promise<number> => {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) fn();
    await be.flush();
    return (performance.now() - t0) / 1000;
  };
  await run(1); // warm-up: pipeline creation
  let reps = 1;
  while ((await run(reps)) < 0.05) reps *= 2;
  const runs: number[] = [];
  for (let k = 0; k < RUNS; k++) runs.push((await run(reps)) / reps);
  return median(runs);
}

function random(n: number): Float32Array {
  return Float32Array.from({ length: n }, () => Math.random() * 2 - 1);
}

async function measure(be: Backend, M: number, F: number): Promise<number[]> {
  const shape: BlockShape = { B, G: M, I: F, O: F };
  const buf = (n: number): Storage => {
    const s = be.alloc(n, 'f32');
    be.upload(s, random(n));
    return s;
  };
  const x = buf(B * M * F), w = buf(M * F * F), bias = buf(M * F), y = buf(B * M * F);
  const dy = buf(B * M * F), dx = buf(B * M * F), dw = buf(M * F * F), db = buf(M * F);
  const flops = 2 * B * M * F * F;
  const seconds = [
    await time(be, () => be.blockLinear(x, w, bias, y, shape, 'none')),
    await time(be, () => be.blockLinearInputGrad(dy, w, dx, shape)),
    await time(be, () => {
      be.blockLinearWeightGrad(dy, x, dw, shape);
      be.reduce('sum', dy, db, 1, B, M * F); // the bias gradient, as ops/blocklinear.ts computes it
    }),
  ];
  for (const s of [x, w, bias, y, dy, dx, dw, db]) be.free(s);
  const total = seconds.reduce((a, b) => a + b, 0);
  return [...seconds.map((s) => flops / s / 1e9), (3 * flops) / total / 1e9];
}

const be = await createWebGPUBackend();
const { adapter, software } = be.info().details;
console.log(`adapter: ${adapter}`);
if (software) console.log('*** SwiftShader / software adapter: these are CPU timings, NOT GPU figures ***');
console.log(`\nB = ${B}, GFLOP/s (median of ${RUNS}), useful flops 2·B·M·F² per GEMM`);
console.log('(M, F)      |    fwd |     dX | dW(+db) |    f+b');
for (const { M, F } of gridPoints(false)) {
  const cells = (await measure(be, M, F)).map((v) => v.toFixed(2).padStart(6));
  console.log(`(${M}, ${F})`.padEnd(11), '|', cells[0], '|', cells[1], '|', cells[2].padStart(7), '|', cells[3]);
}
be.dispose();
