// Where blockLinear's time goes at one grid point: the three wasm kernels called directly on the backend,
// against the same work through the engine (tidy, autograd tape, allocation, the backward seed copy).
// Run: npx tsx bench/overhead.ts [M F] [threads]   (default (16, 64), 1 and the number of cores)
import os from 'node:os';
import * as bg from '../src/index.ts';
import { B, label } from './lib/grid.ts';
import { renderText } from './lib/table.ts';
import { timeMs } from './lib/timing.ts';

const [M, F] = [Number(process.argv[2] ?? 16), Number(process.argv[3] ?? 64)];
const threadCounts = process.argv[4] ? [Number(process.argv[4])] : [...new Set([1, os.availableParallelism()])];
const timing = { runs: 9, minMs: 30 };

async function breakdown(threads: number): Promise<[string, number][]> {
  await bg.init({ backend: 'wasm', threads });
  const be = await bg.getBackend('wasm', { threads });
  const shape = { B, G: M, I: F, O: F };
  const x = bg.randn([B, M * F], { requiresGrad: true }), w = bg.randn([M, F, F], { requiresGrad: true }), b = bg.randn([M * F], { requiresGrad: true });
  const dy = bg.randn([B, M * F]);
  const [y, dx, dw, db] = [bg.zeros([B, M * F]), bg.zeros([B, M * F]), bg.zeros([M, F, F]), bg.zeros([M * F])];
  const s = (t: bg.Tensor) => t.storageOf('overhead');
  const clearGrads = (): void => {
    for (const t of [x, w, b]) {
      t.grad?.dispose();
      t.grad = null;
    }
  };
  const kernel = {
    forward: await timeMs(() => be.blockLinear(s(x), s(w), s(b), s(y), shape, 'none'), timing),
    inputGrad: await timeMs(() => be.blockLinearInputGrad(s(dy), s(w), s(dx), shape), timing),
    weightGrad: await timeMs(() => {
      be.blockLinearWeightGrad(s(dy), s(x), s(dw), shape);
      be.reduce('sum', s(dy), s(db), 1, shape.B, shape.G * shape.O); // the bias gradient, as ops/blocklinear.ts computes it
    }, timing),
  };
  const rows: [string, number][] = [
    ['kernel: forward (bias fused)', kernel.forward],
    ['kernel: input grad', kernel.inputGrad],
    ['kernel: weight + bias grad', kernel.weightGrad],
    ['kernels: sum of the three', kernel.forward + kernel.inputGrad + kernel.weightGrad],
    ['engine: forward in tidy + noGrad', await timeMs(() => bg.tidy(() => void bg.noGrad(() => bg.blockLinear(x, w, b))), timing)],
    ['engine: forward in tidy, recording', await timeMs(() => bg.tidy(() => void bg.blockLinear(x, w, b)), timing)],
    ['engine: forward + backward(dy) + grads cleared', await timeMs(() => { bg.tidy(() => bg.blockLinear(x, w, b).backward(dy)); clearGrads(); }, timing)],
    ["engine: add(dy, 0), backward's seed copy", await timeMs(() => bg.tidy(() => void bg.add(dy, 0)), timing)],
  ];
  for (const t of [x, w, b, dy, y, dx, dw, db]) t.dispose();
  return rows;
}

const results: [string, number][][] = [];
for (const t of threadCounts) results.push(await breakdown(t));
console.log(renderText({
  title: `blockLinear ${label({ M, F, B })}, B = ${B}: median ms (load average ${os.loadavg().map((l) => l.toFixed(1)).join(', ')})`,
  labels: 1,
  headers: ['what', ...threadCounts.map((t) => `${t} thread${t > 1 ? 's' : ''}`)],
  rows: results[0].map(([what], i) => [what, ...results.map((r) => r[i][1].toFixed(3))]),
}));
process.exit(0);
