// The result tables: GFLOP/s of every strategy per thread count, blockLinear's ratios to the others,
// memory, and 1 -> N thread scaling.
import { gridPoints, label } from './grid.ts';
import type { Table } from './table.ts';
import { strategyName } from './legend.ts';
import { bestTorch, torchRow } from './torch.ts';
import type { BenchResult, Pass, Point, Strategy } from './types.ts';

export const passes: Pass[] = ['forward', 'forward+backward'];
const shown: Strategy[] = ['blockLinear', 'blockLinearSimd', 'mask', 'loop', 'blockDiag', 'tfjs', 'jax', 'ort', 'peak'];

/** GFLOP/s of the median run, or of the fastest one. */
export type Figure = 'gflops' | 'bestGflops';

export function gflopsOf(r: BenchResult, p: Point, t: number, s: Strategy, pass: Pass, figure: Figure = 'gflops'): number | undefined {
  return r.rows.find((x) => x.M === p.M && x.F === p.F && x.threads === t && x.strategy === s && x.pass === pass)?.[figure];
}

const num = (v: number | undefined): string => (v === undefined ? '—' : v.toFixed(1));
const ratio = (a: number | undefined, b: number | undefined, unit = 'x'): string =>
  a === undefined || b === undefined ? '—' : unit === '%' ? `${((100 * a) / b).toFixed(0)}%` : `${(a / b).toFixed(2)}x`;

/** The one thread count a single-threaded peer (tfjs, jax-js in Node) was measured at. */
export const peerThreads = (r: BenchResult, s: Strategy): number | undefined => r.rows.find((x) => x.strategy === s)?.threads;

/** GFLOP/s of every way of computing the layer at one thread count (the legend says what each is). */
export function gflopsTable(r: BenchResult, t: number): Table {
  const rows = gridPoints(r.quick).flatMap((p) =>
    passes.map((pass) => {
      const fb = pass === 'forward+backward';
      const torch = fb ? bestTorch(r.pytorch, p, t) : undefined;
      const plain = fb ? bestTorch(r.pytorch, p, t, 'as shipped') : undefined;
      return [
        label(p),
        pass,
        ...shown.map((s) => num(gflopsOf(r, p, t, s, pass))),
        torch ? `${num(torch.gflops)} (${torch.method})` : '—',
        num(fb ? torchRow(r.pytorch, p, t, 'bmm')?.gflops : undefined),
        plain ? `${num(plain.gflops)} (${plain.method})` : '—',
      ];
    }));
  return {
    title: `${t} thread${t > 1 ? 's' : ''}: GFLOP/s, higher is faster (median of ${r.runs} runs, B = 128; — not measured: see "absent")`,
    headers: ['(M, F)', 'pass', ...shown.map((s) => strategyName[s]), 'PyTorch', 'PyTorch bmm', 'PyTorch default threads'],
    rows,
  };
}

/** blockLinear over every other way at one thread count (2.00x: blockLinear takes half the time). */
export function ratioTable(r: BenchResult, t: number): Table {
  const tfjsThreads = peerThreads(r, 'tfjs'), jaxThreads = peerThreads(r, 'jax');
  const rows = gridPoints(r.quick).flatMap((p) =>
    passes.map((pass) => {
      const g = (s: Strategy, at: number | undefined = t): number | undefined => (at === undefined ? undefined : gflopsOf(r, p, at, s, pass));
      const bl = g('blockLinear');
      const fb = pass === 'forward+backward';
      return [
        label(p),
        pass,
        ratio(bl, g('peak'), '%'),
        ratio(bl, g('loop')),
        ratio(bl, g('ort')),
        ratio(bl, g('tfjs', tfjsThreads)),
        ratio(bl, g('jax', jaxThreads)),
        ratio(bl, fb ? bestTorch(r.pytorch, p, t)?.gflops : undefined),
        ratio(bl, fb ? bestTorch(r.pytorch, p, t, 'as shipped')?.gflops : undefined),
      ];
    }));
  return {
    title: `${t} thread${t > 1 ? 's' : ''}: blockLinear against the others (x: times faster; %: share of the wasm SIMD peak)`,
    headers: ['(M, F)', 'pass', 'of wasm peak', '/ loop', '/ onnxruntime-web', `/ tfjs (${tfjsThreads ?? '?'} thread)`, `/ jax-js (${jaxThreads ?? '?'} thread)`, '/ PyTorch', '/ PyTorch default threads'],
    rows,
  };
}

/** Bytes of the packed parameters (weight [M, F, F] and bias [M·F]) in f32. */
export const paramBytes = (p: Point): number => 4 * (p.M * p.F * p.F + p.M * p.F);

/** What one forward+backward step needs at least: parameters, their gradients, x, dx, y, dy. */
export const layerBudgetBytes = (p: Point): number => 2 * paramBytes(p) + 4 * 4 * p.B * p.M * p.F;

export function memoryTable(r: BenchResult): Table {
  const strategies = [...new Set(r.memory.map((m) => m.strategy))];
  const mib = (bytes: number | undefined): string => (bytes === undefined ? '—' : (bytes / 2 ** 20).toFixed(1));
  const rows = gridPoints(r.quick).map((p) => {
    const bytes = (s: Strategy): number | undefined => r.memory.find((x) => x.M === p.M && x.F === p.F && x.strategy === s)?.bytes;
    const bl = bytes('blockLinear');
    return [label(p), mib(paramBytes(p)), mib(layerBudgetBytes(p)), ...strategies.map((s) => mib(bytes(s))), bl === undefined ? '—' : bl <= layerBudgetBytes(p) ? 'yes' : 'NO'];
  });
  return {
    title: 'Peak memory of one forward+backward step (MiB, everything the engine holds: parameters, gradients, x, dy and the graph; tfjs: its own engine\'s count, `tf.profile` peakBytes; jax-js and onnxruntime-web expose no such count)',
    headers: ['(M, F)', 'packed params', 'least possible (params + grads + x, dx, y, dy)', ...strategies.map((s) => strategyName[s]), 'blockLinear at the least'],
    rows,
    labels: 1,
  };
}

export function scalingTable(r: BenchResult, from: number, to: number): Table {
  const strategies: Strategy[] = ['blockLinear', 'ort'];
  const rows = gridPoints(r.quick).flatMap((p) =>
    passes.map((pass) => [
      label(p),
      pass,
      ...strategies.map((s) => ratio(gflopsOf(r, p, to, s, pass), gflopsOf(r, p, from, s, pass))),
      pass === 'forward+backward' ? ratio(bestTorch(r.pytorch, p, to)?.gflops, bestTorch(r.pytorch, p, from)?.gflops) : '—',
    ]));
  return { title: `Scaling from ${from} to ${to} threads (GFLOP/s at ${to} over GFLOP/s at ${from}; ${to}.00x would be perfect)`, headers: ['(M, F)', 'pass', ...strategies.map((s) => strategyName[s]), 'PyTorch'], rows };
}
