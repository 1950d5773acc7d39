// The result tables: GFLOP/s of every strategy per thread count with the ratios the targets use,
// and 1 -> N thread scaling.
import { gridPoints, label } from './grid.ts';
import type { Table } from './table.ts';
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

export function threadTable(r: BenchResult, t: number): Table {
  const tfjsThreads = peerThreads(r, 'tfjs'), jaxThreads = peerThreads(r, 'jax');
  const rows = gridPoints(r.quick).flatMap((p) =>
    passes.map((pass) => {
      const g = (s: Strategy): number | undefined => gflopsOf(r, p, t, s, pass);
      const bl = g('blockLinear');
      const torch = pass === 'forward+backward' ? bestTorch(r.pytorch, p, t) : undefined;
      const bmm = pass === 'forward+backward' ? torchRow(r.pytorch, p, t, 'bmm') : undefined;
      const shipped = pass === 'forward+backward' ? bestTorch(r.pytorch, p, t, 'as shipped') : undefined;
      const peer = (s: Strategy, at: number | undefined): number | undefined => (at === undefined ? undefined : gflopsOf(r, p, at, s, pass));
      return [
        label(p),
        pass,
        ...shown.map((s) => num(g(s))),
        torch ? `${num(torch.gflops)} (${torch.method})` : '—',
        num(bmm?.gflops),
        shipped ? `${num(shipped.gflops)} (${shipped.method})` : '—',
        ratio(bl, g('peak'), '%'),
        ratio(bl, g('ort')),
        ratio(bl, peer('tfjs', tfjsThreads)),
        ratio(bl, peer('jax', jaxThreads)),
        ratio(bl, torch?.gflops),
        ratio(bl, shipped?.gflops),
      ];
    }));
  return {
    title: `${t} thread${t > 1 ? 's' : ''}: GFLOP/s (useful FLOPs, median of ${r.runs}), B = 128`,
    headers: ['(M, F)', 'pass', ...shown, 'PyTorch best seed', 'PyTorch bmm', 'ref as shipped: best seed', 'bL / peak', 'bL / ort', `bL / tfjs ${tfjsThreads ?? '?'}T`, `bL / jax ${jaxThreads ?? '?'}T`, 'bL / PyTorch', 'bL / as shipped'],
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
    return [label(p), mib(paramBytes(p)), mib(layerBudgetBytes(p)), ...strategies.map((s) => mib(bytes(s))), bl === undefined ? '—' : bl <= layerBudgetBytes(p) ? 'met' : 'MISSED'];
  });
  return {
    title: 'Peak memory of one forward+backward step (MiB, everything the engine holds: parameters, gradients, x, dy and the graph; tfjs: its own engine\'s count, `tf.profile` peakBytes; jax-js and onnxruntime-web expose no such count)',
    headers: ['(M, F)', 'packed params', 'budget (params + grads + x, dx, y, dy)', ...strategies, 'blockLinear <= budget'],
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
  return { title: `Scaling ${from} -> ${to} threads (GFLOP/s ratio)`, headers: ['(M, F)', 'pass', ...strategies, 'PyTorch best seed'], rows };
}
