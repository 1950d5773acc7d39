// The wasm grid of `npm run bench`: prints its tables, writes <results>/wasm.json, its charts and (full
// run) the wasm section of BENCHMARKS.md.
import { runBenchmark } from './lib/benchmark.ts';
import { chartLinks, wasmCharts, type Chart } from './lib/charts.ts';
import { fastestTable } from './lib/fastest.ts';
import { writeBenchmarksMd } from './lib/markdown.ts';
import { repoPath, writeJson, type Output } from './lib/output.ts';
import { progressBar } from './lib/progress.ts';
import { legend } from './lib/legend.ts';
import { gflopsTable, memoryTable, ratioTable, scalingTable } from './lib/report.ts';
import { rooflineTable } from './lib/roofline.ts';
import { renderText } from './lib/table.ts';
import { targetsTable } from './lib/targets.ts';
import { TORCH_SCRIPT } from './lib/torch.ts';
import type { BenchResult } from './lib/types.ts';

export async function benchWasm(options: { threads: number[]; quick: boolean }, command: string, out: Output): Promise<{ result: BenchResult; charts: Chart[] }> {
  const result = await runBenchmark({ ...options, backend: 'wasm', command, onProgress: progressBar('wasm grid') });
  const threads = options.threads;
  console.log(`\n${legend(TORCH_SCRIPT).join('\n').replace(/\*\*/g, '')}`);
  for (const t of threads) console.log(`\n${renderText(gflopsTable(result, t))}\n\n${renderText(ratioTable(result, t))}`);
  if (threads.length > 1) console.log(`\n${renderText(scalingTable(result, threads[0], threads[threads.length - 1]))}`);
  for (const table of [rooflineTable(result), memoryTable(result), fastestTable(result), targetsTable(result)]) console.log(`\n${renderText(table)}`);
  for (const a of result.absent) console.log(`absent: ${a.strategy} at ${a.threads} thread(s): ${a.reason}`);
  writeJson(out, 'wasm.json', result);
  const charts = wasmCharts(result, repoPath(out.dir));
  if (out.markdown) writeBenchmarksMd(out.markdown, result, chartLinks(charts, out.dir));
  console.log(`\nwrote ${out.dir}/wasm.json, ${charts.length} charts${out.markdown ? ' and the wasm section of BENCHMARKS.md' : ''}`);
  return { result, charts };
}
