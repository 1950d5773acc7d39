// The training part of `npm run bench`: prints its tables, writes <results>/training.json, its chart and
// (full run) the training section of BENCHMARKS.md.
import type { AdapterKind } from './lib/adapter.ts';
import { chartLinks, trainingChart, type Chart } from './lib/charts.ts';
import { writeSection } from './lib/markdown.ts';
import { repoPath, writeJson, type Output } from './lib/output.ts';
import { progressBar } from './lib/progress.ts';
import { printTables } from './lib/table.ts';
import { runTrainingBenchmark, type TrainingResult } from './lib/training-benchmark.ts';
import { trainingSection, trainingTables } from './lib/training-report.ts';

export async function benchTraining(options: { threads: number[]; quick: boolean; adapter: AdapterKind }, command: string, out: Output): Promise<{ result: TrainingResult; chart: Chart }> {
  const result = await runTrainingBenchmark({ ...options, onProgress: progressBar('training') });
  printTables(trainingTables(result), result.absent);
  writeJson(out, 'training.json', result);
  const chart = trainingChart(result, repoPath(out.dir));
  if (out.markdown) writeSection(out.markdown, 'training', `${trainingSection(result, command)}\n${chartLinks([chart], out.dir).join('\n')}\n\n`);
  console.log(`\nwrote ${out.dir}/training.json, ${out.dir}/${chart.file}${out.markdown ? ' and the training section of BENCHMARKS.md' : ''}`);
  return { result, chart };
}
