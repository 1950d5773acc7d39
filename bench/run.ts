// npm run bench -- --backend wasm [--threads 1,2] [--quick]
// Prints the tables (progress on stderr), writes bench/results/<backend>.json and its BENCHMARKS.md section.
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { runBenchmark } from './lib/benchmark.ts';
import { writeBenchmarksMd } from './lib/markdown.ts';
import { parseOptions } from './lib/options.ts';
import { memoryTable, scalingTable, threadTable } from './lib/report.ts';
import { renderText } from './lib/table.ts';
import { targetsTable } from './lib/targets.ts';

const root = (path: string): string => fileURLToPath(new URL(`../${path}`, import.meta.url));

let options;
try {
  options = parseOptions(process.argv.slice(2));
} catch (e) {
  console.error((e as Error).message);
  process.exit(2);
}
const command = `npm run bench -- ${process.argv.slice(2).join(' ')}`.trim();
if (options.backend === 'webgpu') {
  await (await import('./webgpu.ts')).benchWebGPU(options.quick, command);
  process.exit(0); // Dawn keeps the process alive while a device lives
}
const started = performance.now();
const result = await runBenchmark({
  ...options,
  backend: 'wasm', // webgpu ran above
  command,
  onProgress: (done, total, what) => {
    const s = ((performance.now() - started) / 1000).toFixed(0);
    process.stderr.write(`\r[${done}/${total}] ${s}s ${what}`.padEnd(60));
    if (done === total) process.stderr.write('\n');
  },
});

const threads = options.threads;
for (const t of threads) console.log(`\n${renderText(threadTable(result, t))}`);
if (threads.length > 1) console.log(`\n${renderText(scalingTable(result, threads[0], threads[threads.length - 1]))}`);
console.log(`\n${renderText(memoryTable(result))}`);
console.log(`\n${renderText(targetsTable(result))}`);
for (const a of result.absent) console.log(`absent: ${a.strategy} at ${a.threads} thread(s): ${a.reason}`);

mkdirSync(root('bench/results'), { recursive: true });
writeFileSync(root(`bench/results/${result.backend}.json`), `${JSON.stringify(result, null, 2)}\n`);
writeBenchmarksMd(root('BENCHMARKS.md'), result);
console.log(`\nwrote bench/results/${result.backend}.json and the ${result.backend} section of BENCHMARKS.md`);
process.exit(0); // the peers' worker pools must not keep the process alive
