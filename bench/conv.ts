// The conv part of `npm run bench`: prints its tables, writes <results>/conv.json and (full run) the conv
// section of BENCHMARKS.md.
import { runConvBenchmark, type ConvResult } from './lib/conv-benchmark.ts';
import { convForwardTable, convGridTable, convSection, convTrainingTable, describeConvModel } from './lib/conv-report.ts';
import { writeSection } from './lib/markdown.ts';
import { writeJson, type Output } from './lib/output.ts';
import { progressBar } from './lib/progress.ts';
import { printTables } from './lib/table.ts';

export async function benchConv(options: { threads: number[]; quick: boolean }, command: string, out: Output): Promise<ConvResult> {
  const result = await runConvBenchmark({ ...options, onProgress: progressBar('conv') });
  console.log(`\n${describeConvModel(result)}`);
  printTables([convForwardTable(result), convTrainingTable(result), convGridTable(result)], result.absent);
  writeJson(out, 'conv.json', result);
  if (out.markdown) writeSection(out.markdown, 'conv', convSection(result, command));
  console.log(`\nwrote ${out.dir}/conv.json${out.markdown ? ' and the conv section of BENCHMARKS.md' : ''}`);
  return result;
}
