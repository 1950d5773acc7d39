// Is blockLinear the fastest way on the web? At every point, thread count and pass, its smallest lead over
// the other ways written with this engine and the web libraries measured there. PyTorch (native code, not
// a web library) is compared in the ratio tables instead.
import { gridPoints, label } from './grid.ts';
import { gflopsOf, passes, type Figure } from './report.ts';
import type { Table } from './table.ts';
import { strategyName } from './legend.ts';
import type { BenchResult, Strategy } from './types.ts';

const rivals: Strategy[] = ['mask', 'loop', 'blockDiag', 'tfjs', 'jax', 'ort'];

export interface Margin {
  /** The strategy closest to blockLinear (the smallest ratio). */
  closest: Strategy;
  /** blockLinear GFLOP/s over the closest's. */
  ratio: number;
}

/** blockLinear's smallest lead over the rivals measured at a point, or undefined when none ran there. */
export function smallestLead(r: BenchResult, M: number, F: number, t: number, pass: (typeof passes)[number], figure: Figure = 'gflops'): Margin | undefined {
  const p = { M, F, B: 128 };
  const bl = gflopsOf(r, p, t, 'blockLinear', pass, figure);
  if (bl === undefined) return undefined;
  return rivals.reduce<Margin | undefined>((m, s) => {
    const g = gflopsOf(r, p, t, s, pass, figure);
    return g === undefined || (m && m.ratio <= bl / g) ? m : { closest: s, ratio: bl / g };
  }, undefined);
}

export function fastestTable(r: BenchResult): Table {
  const threads = [...new Set(r.rows.map((x) => x.threads))].sort((a, b) => a - b);
  const cells = (m: Margin | undefined): string[] => (m ? [strategyName[m.closest], `${m.ratio.toFixed(2)}x`, m.ratio > 1 ? 'yes' : 'NO'] : ['—', '—', '—']);
  const rows = gridPoints(r.quick).flatMap((p) =>
    threads.flatMap((t) =>
      passes.map((pass) => [label(p), `${t}`, pass, ...cells(smallestLead(r, p.M, p.F, t, pass)), ...cells(smallestLead(r, p.M, p.F, t, pass, 'bestGflops'))])));
  return {
    title: 'Is blockLinear the fastest way on the web? Its smallest lead over the other ways and web libraries at the same point, threads and pass',
    headers: ['(M, F)', 'threads', 'pass', 'closest (medians)', 'blockLinear / closest', 'fastest?', 'closest (fastest runs)', 'blockLinear / closest', 'fastest?'],
    rows,
    labels: 3,
  };
}
