// Issue 7's target on the wasm grid: at every point, thread count and pass, blockLinear faster than each
// seed strategy and each peer measured there (PyTorch: every method of the reference, forward+backward).
import { gridPoints, label } from './grid.ts';
import { gflopsOf, passes } from './report.ts';
import type { Table } from './table.ts';
import type { BenchResult, Strategy } from './types.ts';

const others: Strategy[] = ['mask', 'loop', 'blockDiag', 'tfjs', 'jax', 'ort'];

export interface Margin {
  /** The strategy closest to blockLinear (the smallest ratio). */
  closest: string;
  /** blockLinear GFLOP/s over the closest's. */
  ratio: number;
}

/** blockLinear's smallest lead over the others measured at a point, or undefined when nothing else ran there. */
export function smallestLead(r: BenchResult, M: number, F: number, t: number, pass: (typeof passes)[number]): Margin | undefined {
  const p = { M, F, B: 128 };
  const bl = gflopsOf(r, p, t, 'blockLinear', pass);
  if (bl === undefined) return undefined;
  const rivals: [string, number | undefined][] = others.map((s) => [s, gflopsOf(r, p, t, s, pass)]);
  if (pass === 'forward+backward') {
    for (const x of r.pytorch) if (x.M === M && x.F === F && x.threads === t) rivals.push([`PyTorch ${x.method}${x.launch === 'as shipped' ? ' (as shipped)' : ''}`, x.gflops]);
  }
  return rivals.reduce<Margin | undefined>((m, [s, g]) => (g === undefined || (m && m.ratio <= bl / g) ? m : { closest: s, ratio: bl / g }), undefined);
}

export function fastestTable(r: BenchResult): Table {
  const threads = [...new Set(r.rows.map((x) => x.threads))].sort((a, b) => a - b);
  const rows = gridPoints(r.quick).flatMap((p) =>
    threads.flatMap((t) =>
      passes.map((pass) => {
        const m = smallestLead(r, p.M, p.F, t, pass);
        return [label(p), `${t}`, pass, m ? m.closest : '—', m ? `${m.ratio.toFixed(2)}x` : '—', m ? (m.ratio > 1 ? 'met' : 'MISSED') : '—'];
      })));
  return {
    title: "Issue 7's target: blockLinear faster than every seed strategy and peer measured at the same point, threads and pass (median runs)",
    headers: ['(M, F)', 'threads', 'pass', 'closest rival', 'blockLinear / rival', 'status'],
    rows,
    labels: 3,
  };
}
