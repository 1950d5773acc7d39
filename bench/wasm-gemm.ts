// The wasm backend's three block GEMMs on the benchmark grid, called directly (no engine): forward and
// forward+backward GFLOP/s on 1 and 2 threads against the measured register-resident SIMD peak, and
// forward+backward on 2 threads at precision 'f16' (inputs rounded to binary16 first, f32 arithmetic).
// Run: npx tsx bench/wasm-gemm.ts   (medians of 7 runs after a warm-up; the machine is shared, so re-run to compare)
import type { Backend, BlockShape } from '../src/backend/backend.ts';
import { createWasmBackend } from '../src/backend/wasm/index.ts';
import { gflops, gridPoints, label } from './lib/grid.ts';
import { PeakProbe } from './lib/peak.ts';
import { timeRuns } from './lib/timing.ts';
import type { Point } from './lib/types.ts';

const timing = { runs: 7, minMs: 20 };

function random(n: number): Float32Array {
  return Float32Array.from({ length: n }, () => Math.random() * 2 - 1);
}

interface Rates {
  fwd: number;
  fwdBwd: number;
  fwdBwdBest: number;
}

async function measure(be: Backend, p: Point, precision: BlockShape['precision'] = 'f32'): Promise<Rates> {
  const { B, M, F } = p;
  const shape: BlockShape = { B, G: M, I: F, O: F, precision };
  const buf = (n: number, data = true) => {
    const s = be.alloc(n, 'f32');
    if (data) be.upload(s, random(n));
    return s;
  };
  const x = buf(B * M * F), w = buf(M * F * F), bias = buf(M * F), y = buf(B * M * F, false);
  const dy = buf(B * M * F), dx = buf(B * M * F, false), dw = buf(M * F * F, false), db = buf(M * F, false);
  const fwd = await timeRuns(() => be.blockLinear(x, w, bias, y, shape, 'none'), timing);
  const fwdBwd = await timeRuns(() => {
    be.blockLinear(x, w, bias, y, shape, 'none');
    be.blockLinearInputGrad(dy, w, dx, shape);
    be.blockLinearWeightGrad(dy, x, dw, shape);
    be.reduce('sum', dy, db, 1, B, M * F); // the bias gradient, as ops/blocklinear.ts computes it
  }, timing);
  for (const s of [x, w, bias, y, dy, dx, dw, db]) be.free(s);
  return { fwd: gflops(p, 'forward', fwd.median), fwdBwd: gflops(p, 'forward+backward', fwdBwd.median), fwdBwdBest: gflops(p, 'forward+backward', fwdBwd.fastest) };
}

const probe = await PeakProbe.start();
const peak = await probe.measure(timing);
console.log(`register-resident wasm SIMD peak (${probe.flavour}), one core: ${peak.toFixed(1)} GFLOP/s`);
// 1 and 2 threads measured back to back per shape, so that both see the same machine load.
const [single, dual] = [await createWasmBackend({ threads: 1 }), await createWasmBackend({ threads: 2 })];
console.log(`\nB = 128, GFLOP/s (median of ${timing.runs}); % of peak is against 2 × the one-core peak`);
console.log('(M, F)      | fwd 1T | fwd 2T | f+b 1T | f+b 2T | f+b 2T % peak | 1→2 scaling (f+b) | best runs: f+b 1T, 2T, scaling | f+b 2T f16, f16 / f32');
for (const p of gridPoints(false)) {
  const one = await measure(single, p), two = await measure(dual, p), half = await measure(dual, p, 'f16');
  const cells = [one.fwd, two.fwd, one.fwdBwd, two.fwdBwd].map((v) => v.toFixed(1).padStart(6));
  const pct = ((100 * two.fwdBwd) / (2 * peak)).toFixed(0).padStart(12);
  const best = `${one.fwdBwdBest.toFixed(1)}, ${two.fwdBwdBest.toFixed(1)}, ${(two.fwdBwdBest / one.fwdBwdBest).toFixed(2)}x`;
  const f16 = `${half.fwdBwd.toFixed(1)}, ${(half.fwdBwd / two.fwdBwd).toFixed(2)}x`;
  console.log(label(p).padEnd(11), '|', cells.join(' | '), '|', `${pct}%`, '|', `${(two.fwdBwd / one.fwdBwd).toFixed(2)}x`.padStart(17), '|', best, '|', f16);
}
single.dispose();
dual.dispose();
