// The speed targets the project set itself, checked against one benchmark result: each line says what was
// measured and whether the target is met.
import { gridPoints, label } from './grid.ts';
import { gflopsOf, passes, type Figure } from './report.ts';
import type { Table } from './table.ts';
import { bestTorch } from './torch.ts';
import type { BenchResult, Pass, Point, Strategy } from './types.ts';

interface Check {
  target: string;
  point: Point;
  measured: string;
  ok: boolean | undefined;
}

const FB: Pass = 'forward+backward';
/** The headline points of the targets. */
const headline = ['(16, 256)', '(8, 512)', '(4, 1024)'];
const fmt = (v: number): string => v.toFixed(1);

function check(target: string, point: Point, a: number | undefined, b: number | undefined, minRatio: number, show: (a: number, b: number) => string): Check {
  if (a === undefined || b === undefined) return { target, point, measured: 'not measured', ok: undefined };
  return { target, point, measured: show(a, b), ok: a >= minRatio * b };
}

/** The checks on the median runs, or on the fastest runs (PyTorch: its medians either way). */
export function targetChecks(r: BenchResult, figure: Figure = 'gflops'): Check[] {
  const n = Math.max(...r.rows.map((x) => x.threads));
  const one = Math.min(...r.rows.map((x) => x.threads));
  const tfjsThreads = r.rows.find((x) => x.strategy === 'tfjs')?.threads ?? one;
  const checks: Check[] = [];
  const g = (p: Point, t: number, s: Strategy, pass: Pass): number | undefined => gflopsOf(r, p, t, s, pass, figure);
  const bl = (p: Point, t: number, pass: Pass = FB): number | undefined => g(p, t, 'blockLinear', pass);
  for (const p of gridPoints(r.quick)) {
    if (headline.includes(label(p))) {
      checks.push(check(`f+b ${n}T >= 50% of ${n}-core peak`, p, bl(p, n), g(p, n, 'peak', FB), 0.5, (a, b) => `${fmt(a)} of ${fmt(b)} (${((100 * a) / b).toFixed(0)}%)`));
      checks.push(check(`f+b ${n}T >= PyTorch, default threads`, p, bl(p, n), bestTorch(r.pytorch, p, n, 'as shipped')?.gflops, 1, (a, b) => `${fmt(a)} vs ${fmt(b)}`));
      checks.push(check(`f+b ${n}T >= PyTorch, threads set`, p, bl(p, n), bestTorch(r.pytorch, p, n)?.gflops, 1, (a, b) => `${fmt(a)} vs ${fmt(b)}`));
    }
    if (p.M === 16 && p.F === 64) checks.push(check(`f+b ${n}T >= 20 GFLOP/s`, p, bl(p, n), 20, 1, (a) => fmt(a)));
    for (const t of [...new Set([one, n])]) {
      checks.push(check(`forward ${t}T >= 1.3x ort`, p, bl(p, t, 'forward'), g(p, t, 'ort', 'forward'), 1.3, (a, b) => `${(a / b).toFixed(2)}x`));
    }
    for (const pass of passes) {
      checks.push(check(`${pass} ${tfjsThreads}T >= 10x tfjs`, p, bl(p, tfjsThreads, pass), g(p, tfjsThreads, 'tfjs', pass), 10, (a, b) => `${(a / b).toFixed(1)}x`));
    }
    if (p.F >= 256 && n > one) checks.push(check(`f+b scaling ${one}->${n}T >= 1.7x`, p, bl(p, n), bl(p, one), 1.7, (a, b) => `${(a / b).toFixed(2)}x`));
  }
  return checks;
}

export function targetsTable(r: BenchResult): Table {
  const status = (c: Check): string => (c.ok === undefined ? '—' : c.ok ? 'met' : 'MISSED');
  const best = targetChecks(r, 'bestGflops');
  const rows = targetChecks(r).map((c, i) => [label(c.point), c.target, c.measured, status(c), best[i].measured, status(best[i])]);
  return { title: "The project's speed targets (f+b: forward+backward; NT: N threads; median runs, then fastest runs against PyTorch's medians)", headers: ['(M, F)', 'target', 'median runs', 'status', 'fastest runs', 'status'], rows };
}
