// The overview section of BENCHMARKS.md written by a full `npm run bench`: the machine, the backends and
// the adapter, a few headline figures of the run, and every chart.
import type { AdapterKind } from './adapter.ts';
import { chartLinks, type Chart } from './charts.ts';
import { label } from './grid.ts';
import { gflopsOf } from './report.ts';
import { bestTorch } from './torch.ts';
import type { TrainingResult } from './training-benchmark.ts';
import type { BenchResult } from './types.ts';

export interface Overview {
  command: string;
  wasm: BenchResult;
  training: TrainingResult;
  adapter: AdapterKind;
  /** Why the WebGPU grid ran as it did (full, quick subset on a software adapter, or not at all). */
  webgpuScope: string;
  /** The headline charts (the sections below hold all of them). */
  charts: Chart[];
  dir: string;
}

/** Headline figures: blockLinear's forward+backward at the largest thread count at (16, 256) and (4, 1024), and training. */
export function headlines(o: Pick<Overview, 'wasm' | 'training'>): string[] {
  const r = o.wasm, n = Math.max(...r.rows.map((x) => x.threads));
  const lines = [[16, 256], [4, 1024]].flatMap(([M, F]) => {
    const p = { M, F, B: 128 };
    const bl = gflopsOf(r, p, n, 'blockLinear', 'forward+backward'), loop = gflopsOf(r, p, n, 'loop', 'forward+backward');
    if (bl === undefined || loop === undefined) return [];
    const shipped = bestTorch(r.pytorch, p, n, 'as shipped'), tuned = bestTorch(r.pytorch, p, n);
    const torch = [shipped && `default threads (${shipped.method}) ${shipped.gflops.toFixed(1)}`, tuned && `thread pools set (${tuned.method}) ${tuned.gflops.toFixed(1)}`].filter(Boolean);
    const vsTorch = torch.length ? `; PyTorch CPU, its fastest way: ${torch.join(', ')}` : '';
    return [`blockLinear forward+backward at ${label(p)}, ${n} threads: ${bl.toFixed(1)} GFLOP/s (a loop of M linears ${loop.toFixed(1)}${vsTorch})`];
  });
  const steps = (library: string, backend: string, t: number): number | undefined =>
    o.training.rows.find((x) => x.model === 'digits' && x.library === library && x.backend === backend && x.threads === t)?.stepsPerSecond;
  const ours = steps('blockgrad', 'wasm', 1), tfjs = steps('tfjs', 'wasm', 1), jax = steps('jax-js', 'wasm', 1), torch = steps('PyTorch', 'cpu', 1);
  if (ours !== undefined) {
    const peers = [['tfjs', tfjs], ['jax-js', jax], ['PyTorch', torch]].filter((x): x is [string, number] => x[1] !== undefined);
    lines.push(`digits-sized Packed-Ensembles MLP, Adam, 1 thread: ${ours.toFixed(0)} steps/s (${peers.map(([n, v]) => `${n} ${v.toFixed(0)}`).join(', ')})`);
  }
  return lines;
}

export function overviewSection(o: Overview): string {
  const m = o.wasm.machine;
  const adapter = o.adapter.kind === 'none' ? `none (${o.adapter.reason})` : o.adapter.kind === 'software' ? `${o.adapter.adapter}: SwiftShader (CPU), not a GPU figure` : o.adapter.adapter;
  return [
    '## overview',
    '',
    `Command: \`${o.command}\`, ${m.date}. Machine: ${m.cpu}, ${m.cores} cores, ${m.platform}, Node ${m.node}.`,
    `Backends: wasm (${Object.entries(m.backend).map(([k, v]) => `${k} ${v}`).join(', ')}); js (training only); WebGPU adapter: ${adapter}.`,
    `WebGPU grid: ${o.webgpuScope}.`,
    '',
    'Headline figures (medians of this run):',
    '',
    ...headlines(o).map((h) => `- ${h}`),
    '',
    ...chartLinks(o.charts, o.dir).flatMap((link) => [link, '']),
    'Every chart and table of the run is in its section below.',
    '',
  ].join('\n');
}
