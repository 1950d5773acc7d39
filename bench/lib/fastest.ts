// Issue 7's target on the wasm grid: at every point, thread count and pass, blockLinear faster than each
// seed strategy written with this engine and each web peer measured there. PyTorch (native code, not a
// web peer) is compared in the thread tables instead.
import { gridPoints, label } from './grid.ts';
import { gflopsOf, passes, type Figure } from './report.ts';
import type { Table } from './table.ts';
import type { BenchResult, Strategy } from './types.ts';

const rivals: Strategy[] = ['mask', 'loop', 'blockDiag', 'tfjs', 'jax', 'ort'];

export interface Margin {
  /** The strategy closest to blockLinear (the smallest ratio). */
  closest: string;
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
  const cells = (m: Margin | undefined): string[] => (m ? [m.closest, `${m.ratio.toFixed(2)}x`, m.ratio > 1 ? 'met' : 'MISSED'] : ['—', '—', '—']);
  const rows = gridPoints(r.quick).flatMap((p) =>
    threads.flatMap((t) =>
      passes.map((pass) => [label(p), `${t}`, pass, ...cells(smallestLead(r, p.M, p.F, t, pass)), ...cells(smallestLead(r, p.M, p.F, t, pass, 'bestGflops'))])));
  return {
    title: "Issue 7's target: blockLinear faster than every seed strategy (written with this engine) and web peer measured at the same point, threads and pass",
    headers: ['(M, F)', 'threads', 'pass', 'closest rival (medians)', 'blockLinear / rival', 'status', 'closest rival (fastest runs)', 'blockLinear / rival', 'status'],
    rows,
    labels: 3,
  };
}
