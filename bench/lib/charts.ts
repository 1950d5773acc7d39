// The benchmark's own plots (svg-chart.ts), written under bench/results/ and linked from BENCHMARKS.md:
// GFLOP/s per strategy over the grid, speed-up over the loop strategy, training steps per second.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gridPoints, label, webgpuGridPoints } from './grid.ts';
import { strategyName } from './legend.ts';
import { gflopsOf } from './report.ts';
import { barChart, PALETTE, type BarChart } from './svg-chart.ts';
import { bestTorch, torchRow } from './torch.ts';
import type { TrainingResult } from './training-benchmark.ts';
import { runnerLabel } from './training-report.ts';
import type { BenchResult, Pass, Point, Strategy } from './types.ts';
import { webgpuStrategies, type WebGPUBenchResult } from './webgpu-benchmark.ts';

/** A chart written to disk: its file name (under the results folder) and title. */
export interface Chart {
  file: string;
  title: string;
}

const strategies: Strategy[] = ['blockLinear', 'mask', 'loop', 'blockDiag', 'tfjs', 'jax', 'ort'];
/** One colour per strategy across the grid charts, whichever of them a chart shows. */
const colours = [...strategies.map((s) => strategyName[s]), 'PyTorch', 'PyTorch bmm'];
const withColour = (series: BarChart['series']): BarChart['series'] => series.map((s) => ({ ...s, color: PALETTE[colours.indexOf(s.name) % PALETTE.length] }));
const GRID_AXIS = '(M, F), B = 128';

function save(dir: string, file: string, chart: BarChart): Chart {
  writeFileSync(join(dir, file), barChart(chart));
  return { file, title: chart.title };
}

/** Series of the strategies measured at t (the peers that ran elsewhere are left out), and PyTorch's for f+b. */
function gridSeries(r: BenchResult, points: Point[], t: number, pass: Pass): BarChart['series'] {
  const series: BarChart['series'] = strategies.map((s) => ({ name: strategyName[s], values: points.map((p) => gflopsOf(r, p, t, s, pass)) })).filter((s) => s.values.some((v) => v !== undefined));
  if (pass === 'forward+backward') {
    series.push({ name: 'PyTorch', values: points.map((p) => bestTorch(r.pytorch, p, t)?.gflops) });
    series.push({ name: 'PyTorch bmm', values: points.map((p) => torchRow(r.pytorch, p, t, 'bmm')?.gflops) });
  }
  return series.filter((s) => s.values.some((v) => v !== undefined));
}

/** The wasm charts; the first is the headline (forward+backward at the largest thread count). */
export function wasmCharts(r: BenchResult, dir: string): Chart[] {
  const points = gridPoints(r.quick), categories = points.map(label);
  const threads = [...new Set(r.rows.map((x) => x.threads))].sort((a, b) => b - a);
  const n = threads[0];
  const charts = threads.flatMap((t) =>
    (['forward+backward', 'forward'] as Pass[]).map((pass) =>
      save(dir, `wasm-${pass === 'forward' ? 'forward' : 'fb'}-${t}T.svg`, {
        title: `wasm, ${t} thread(s): ${pass} GFLOP/s, higher is faster (median)`,
        unit: 'GFLOP/s',
        categoryLabel: GRID_AXIS,
        categories,
        series: withColour(gridSeries(r, points, t, pass)),
        log: true,
      })));
  const speedups = (pass: Pass): BarChart['series'] =>
    strategies
      .filter((s) => s !== 'loop')
      .map((s) => ({ name: `${strategyName[s]} ${pass === 'forward' ? 'fwd' : 'f+b'}`, values: points.map((p) => ratio(gflopsOf(r, p, n, s, pass), gflopsOf(r, p, n, 'loop', pass))) }))
      .filter((s) => s.values.some((v) => v !== undefined));
  charts.push(save(dir, `wasm-speedup-${n}T.svg`, {
    title: `wasm, ${n} thread(s): times faster than a loop of M linears (GFLOP/s ratio, median)`,
    unit: 'x loop',
    categoryLabel: GRID_AXIS,
    categories,
    series: [...speedups('forward+backward'), ...speedups('forward').filter((s) => s.name.startsWith('blockLinear'))],
    log: true,
    reference: 1,
  }));
  return charts;
}

const ratio = (a: number | undefined, b: number | undefined): number | undefined => (a === undefined || b === undefined ? undefined : a / b);

export function webgpuChart(r: WebGPUBenchResult, dir: string): Chart {
  const points = webgpuGridPoints(r.quick);
  return save(dir, 'webgpu-fb.svg', {
    title: `webgpu${r.software ? ' on SwiftShader (CPU timings, not a GPU figure)' : ''}: forward+backward GFLOP/s`,
    unit: 'GFLOP/s',
    categoryLabel: GRID_AXIS,
    categories: points.map(label),
    series: webgpuStrategies
      .map((s) => ({ name: s, values: points.map((p) => r.rows.find((x) => x.M === p.M && x.F === p.F && x.strategy === s && x.pass === 'forward+backward')?.gflops) }))
      .filter((s) => s.values.some((v) => v !== undefined)),
    log: true,
  });
}

export function trainingChart(r: TrainingResult, dir: string): Chart {
  const runners = [...new Set(r.rows.map(runnerLabel))];
  return save(dir, 'training.svg', {
    title: 'Adam training steps per second, Packed-Ensembles MLP (median)',
    unit: 'steps/s',
    categoryLabel: 'model',
    categories: r.models.map((m) => m.name),
    series: runners.map((name) => ({ name, values: r.models.map((m) => r.rows.find((x) => x.model === m.name && runnerLabel(x) === name)?.stepsPerSecond) })),
    log: true,
  });
}

/** Markdown image links to charts, from a document in `relativeDir`'s parent (e.g. 'bench/results'). */
export const chartLinks = (charts: Chart[], relativeDir: string): string[] => charts.map((c) => `![${c.title}](${relativeDir}/${c.file})`);
