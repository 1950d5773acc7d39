// The result tables: GFLOP/s of every strategy per thread count with the ratios the targets use,
// and 1 -> N thread scaling.
import { gridPoints, label } from './grid.ts';
import type { Table } from './table.ts';
import { bestTorch, torchRow } from './torch.ts';
import type { BenchResult, Pass, Point, Strategy } from './types.ts';

export const passes: Pass[] = ['forward', 'forward+backward'];
const shown: Strategy[] = ['blockLinear', 'mask', 'loop', 'blockDiag', 'tfjs', 'ort', 'peak'];

/** GFLOP/s of the median run, or of the fastest one. */
export type Figure = 'gflops' | 'bestGflops';

export function gflopsOf(r: BenchResult, p: Point, t: number, s: Strategy, pass: Pass, figure: Figure = 'gflops'): number | undefined {
  return r.rows.find((x) => x.M === p.M && x.F === p.F && x.threads === t && x.strategy === s && x.pass === pass)?.[figure];
}

const num = (v: number | undefined): string => (v === undefined ? '—' : v.toFixed(1));
const ratio = (a: number | undefined, b: number | undefined, unit = 'x'): string =>
  a === undefined || b === undefined ? '—' : unit === '%' ? `${((100 * a) / b).toFixed(0)}%` : `${(a / b).toFixed(2)}x`;

export function threadTable(r: BenchResult, t: number): Table {
  const tfjsThreads = r.rows.find((x) => x.strategy === 'tfjs')?.threads;
  const rows = gridPoints(r.quick).flatMap((p) =>
    passes.map((pass) => {
      const g = (s: Strategy): number | undefined => gflopsOf(r, p, t, s, pass);
      const bl = g('blockLinear');
      const torch = pass === 'forward+backward' ? bestTorch(r.pytorch, p, t) : undefined;
      const bmm = pass === 'forward+backward' ? torchRow(r.pytorch, p, t, 'bmm') : undefined;
      const tfjsRef = tfjsThreads === undefined ? undefined : gflopsOf(r, p, tfjsThreads, 'tfjs', pass);
      return [
        label(p),
        pass,
        ...shown.map((s) => num(g(s))),
        torch ? `${num(torch.gflops)} (${torch.method})` : '—',
        num(bmm?.gflops),
        ratio(bl, g('peak'), '%'),
        ratio(bl, g('ort')),
        ratio(bl, tfjsRef),
        ratio(bl, torch?.gflops),
      ];
    }));
  return {
    title: `${t} thread${t > 1 ? 's' : ''}: GFLOP/s (useful FLOPs, median of ${r.runs}), B = 128`,
    headers: ['(M, F)', 'pass', ...shown, 'PyTorch best seed', 'PyTorch bmm', 'bL / peak', 'bL / ort', `bL / tfjs ${tfjsThreads ?? '?'}T`, 'bL / PyTorch'],
    rows,
  };
}

export function memoryTable(r: BenchResult): Table {
  const strategies = [...new Set(r.memory.map((m) => m.strategy))];
  const rows = gridPoints(r.quick).map((p) => [
    label(p),
    ...strategies.map((s) => {
      const m = r.memory.find((x) => x.M === p.M && x.F === p.F && x.strategy === s);
      return m ? (m.bytes / 2 ** 20).toFixed(1) : '—';
    }),
  ]);
  return { title: 'Peak memory of one forward+backward step through the engine (MiB, parameters included)', headers: ['(M, F)', ...strategies], rows, labels: 1 };
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
