// The WebGPU tables (stdout and BENCHMARKS.md): GFLOP/s per strategy and the ratios of the targets.
import { label, webgpuGridPoints } from './grid.ts';
import { markdownTables, type Table } from './table.ts';
import type { Pass } from './types.ts';
import { type WebGPUBenchResult, type WebGPUStrategy, webgpuStrategies } from './webgpu-benchmark.ts';
import { commandLine } from './markdown.ts';

const passes: Pass[] = ['forward', 'forward+backward'];

function gflopsOf(r: WebGPUBenchResult, M: number, F: number, s: WebGPUStrategy, pass: Pass): number | undefined {
  return r.rows.find((x) => x.M === M && x.F === F && x.strategy === s && x.pass === pass)?.gflops;
}

const num = (v: number | undefined): string => (v === undefined ? '—' : v.toFixed(2));
const ratio = (a: number | undefined, b: number | undefined): string => (a === undefined || b === undefined ? '—' : `${(a / b).toFixed(2)}x`);

/** Whose figures these are: the adapter, and for a software adapter the warning that they are CPU timings. */
export function adapterLine(r: WebGPUBenchResult): string {
  const a = `adapter: ${r.adapter.adapter} (shader-f16: ${r.adapter.shaderF16}, f16 GEMMs: ${r.adapter.f16Gemm})`;
  return r.software ? `${a}. SwiftShader (software, on the CPU): CPU timings, no GPU figure.` : a;
}

export function webgpuTable(r: WebGPUBenchResult): Table {
  const rows = webgpuGridPoints(r.quick).flatMap(({ M, F }) =>
    passes.map((pass) => {
      const g = (s: WebGPUStrategy) => gflopsOf(r, M, F, s, pass);
      return [label({ M, F, B: 128 }), pass, ...webgpuStrategies.map((s) => num(g(s))), ratio(g('blockLinear'), g('tfjs-webgpu')), ratio(g('blockLinear f16'), g('blockLinear'))];
    }),
  );
  return {
    title: `WebGPU${r.software ? ' on SwiftShader (CPU timings, no GPU figure)' : ''}: GFLOP/s (useful FLOPs, median of ${r.runs}), B = 128`,
    headers: ['(M, F)', 'pass', ...webgpuStrategies, 'bL / tfjs-webgpu (target ≥ 2x f+b)', 'f16 / f32 (target ≥ 1.5x with shader-f16)'],
    rows,
  };
}

export function webgpuSection(r: WebGPUBenchResult): string {
  const m = r.machine;
  return [
    '## webgpu',
    '',
    commandLine(r.command, r.quick, m.date),
    '',
    `${adapterLine(r)} Host: ${m.cpu}, ${m.cores} cores, Node ${m.node}; load average at the end ${m.loadAverage.join(', ')}.`,
    '',
    'Strategies: **blockLinear** (f32) and **blockLinear f16** (GEMM inputs rounded to binary16, f32 accumulation) through autograd',
    'inside `tidy`; **mask**, **loop** and **blockDiag** (what you would write without a block-diagonal operation) written with this engine; **tfjs-webgpu** (tfjs-backend-webgpu 4.22',
    'in Node on the same Dawn adapter, batched `matMul`, gradients by `tf.grads`). Every timed call waits for the GPU to finish.',
    '',
    ...markdownTables([webgpuTable(r)], r.absent.map((a) => `**${a.strategy}**: ${a.reason}`)),
  ].join('\n');
}
