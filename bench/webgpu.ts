// npm run bench -- --backend webgpu [--quick]: the WebGPU grid, bench/results/webgpu.json and its BENCHMARKS.md section.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { writeSection } from './lib/markdown.ts';
import { renderText } from './lib/table.ts';
import { runWebGPUBenchmark } from './lib/webgpu-benchmark.ts';
import { adapterLine, webgpuSection, webgpuTable } from './lib/webgpu-report.ts';

const root = (path: string): string => fileURLToPath(new URL(`../${path}`, import.meta.url));

export async function benchWebGPU(quick: boolean, command: string): Promise<void> {
  const started = performance.now();
  const result = await runWebGPUBenchmark({
    quick,
    command,
    onProgress: (done, total, what) => {
      const s = ((performance.now() - started) / 1000).toFixed(0);
      process.stderr.write(`\r[${done}/${total}] ${s}s ${what}`.padEnd(60));
      if (done === total) process.stderr.write('\n');
    },
  });
  console.log(`\n${adapterLine(result)}\n\n${renderText(webgpuTable(result))}`);
  for (const a of result.absent) console.log(`absent: ${a.strategy}: ${a.reason}`);
  mkdirSync(root('bench/results'), { recursive: true });
  writeFileSync(root('bench/results/webgpu.json'), `${JSON.stringify(result, null, 2)}\n`);
  writeSection(root('BENCHMARKS.md'), 'webgpu', webgpuSection(result));
  console.log('\nwrote bench/results/webgpu.json and the webgpu section of BENCHMARKS.md');
}
