// The WebGPU grid of `npm run bench`: prints its table, writes <results>/webgpu.json, its chart and (full
// run) the webgpu section of BENCHMARKS.md.
import { chartLinks, webgpuChart, type Chart } from './lib/charts.ts';
import { writeSection } from './lib/markdown.ts';
import { repoPath, writeJson, type Output } from './lib/output.ts';
import { progressBar } from './lib/progress.ts';
import { renderText } from './lib/table.ts';
import { runWebGPUBenchmark, type WebGPUBenchResult } from './lib/webgpu-benchmark.ts';
import { adapterLine, webgpuSection, webgpuTable } from './lib/webgpu-report.ts';

export async function benchWebGPU(quick: boolean, command: string, out: Output): Promise<{ result: WebGPUBenchResult; chart: Chart }> {
  const result = await runWebGPUBenchmark({ quick, command, onProgress: progressBar('webgpu grid') });
  console.log(`\n${adapterLine(result)}\n\n${renderText(webgpuTable(result))}`);
  for (const a of result.absent) console.log(`absent: ${a.strategy}: ${a.reason}`);
  writeJson(out, 'webgpu.json', result);
  const chart = webgpuChart(result, repoPath(out.dir));
  if (out.markdown) writeSection(out.markdown, 'webgpu', `${webgpuSection(result)}${chartLinks([chart], out.dir).join('\n')}\n\n`);
  console.log(`\nwrote ${out.dir}/webgpu.json, ${out.dir}/${chart.file}${out.markdown ? ' and the webgpu section of BENCHMARKS.md' : ''}`);
  return { result, chart };
}
