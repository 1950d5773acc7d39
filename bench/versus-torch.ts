// blockLinear forward+backward (this engine, relaxed SIMD, every core) against PyTorch (bench/torch_blockdiag.py,
// default threads) at (16, 256), (8, 512) and (4, 1024), interleaved point by point for several rounds so that both see the
// same machine load. Run: npx tsx bench/versus-torch.ts [rounds]   (needs /usr/bin/python3 with torch)
import os from 'node:os';
import * as bg from '../src/index.ts';
import { engineWorkload } from './lib/engine-strategies.ts';
import { gflops, label } from './lib/grid.ts';
import { enableRelaxedSimd } from './lib/relaxed-simd.ts';
import { timeRuns } from './lib/timing.ts';
import { bestTorch, runTorchAsShipped, torchUnavailable } from './lib/torch.ts';

const missing = torchUnavailable();
if (missing) {
  console.error(missing);
  process.exit(2);
}
const rounds = Number(process.argv[2] ?? 3);
const threads = os.availableParallelism();
const points = [[16, 256], [8, 512], [4, 1024]].map(([M, F]) => ({ M, F, B: 128 }));
const ratios = new Map<string, number[]>(points.map((p) => [label(p), []]));
console.log(`kernels: ${enableRelaxedSimd()}; ${threads} threads; B = 128; GFLOP/s of the median of 5 runs`);
await bg.init({ backend: 'wasm', threads });
for (let round = 1; round <= rounds; round++) {
  for (const p of points) {
    const w = engineWorkload('blockLinear', p);
    const ours = gflops(p, 'forward+backward', (await timeRuns(() => w.step('forward+backward'), { runs: 5, minMs: 50 })).median);
    w.dispose();
    const torch = bestTorch(runTorchAsShipped([p], threads), p, threads, 'as shipped');
    const theirs = torch ? `${torch.gflops.toFixed(1)} (${torch.method})` : 'no row';
    if (torch) ratios.get(label(p))!.push(ours / torch.gflops);
    const ratio = torch ? `${(ours / torch.gflops).toFixed(2)}x` : '—';
    console.log(`round ${round} ${label(p).padEnd(9)} blockLinear ${ours.toFixed(1).padStart(6)} | PyTorch (default threads), its fastest way ${theirs} | ${ratio}`);
  }
}
const median = (v: number[]): number => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
for (const [point, r] of ratios) if (r.length) console.log(`${point}: median ratio over ${r.length} rounds ${median(r).toFixed(2)}x (${Math.min(...r).toFixed(2)}–${Math.max(...r).toFixed(2)})`);
process.exit(0);
