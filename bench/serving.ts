// The serving part of `npm run bench`: prints its tables, writes <results>/serving.json and (full run) the
// serving section of BENCHMARKS.md.
import os from 'node:os';
import { writeSection } from './lib/markdown.ts';
import { writeJson, type Output } from './lib/output.ts';
import { progressBar } from './lib/progress.ts';
import { BATCHES, ECHO, runServingBenchmark, type ServingResult, type ServingRow } from './lib/serving-benchmark.ts';
import { quartiles } from './lib/timing.ts';
import { absentRunners, markdownTables, printTables, type Table } from './lib/table.ts';

const rate = (v: number | undefined): string => (v === undefined ? '—' : Math.round(v).toLocaleString('en-US'));

/**
 * Rows/s of each runner (medians over the rounds) and blockgrad's over onnxruntime-web's as the median of the rounds'
 * ratios: each round measures the two back to back, so a slow spell of a shared machine falls on both of a pair.
 */
export function servingTable(r: ServingResult): Table {
  const threads = [...new Set(r.throughput.map((x) => x.threads))];
  const find = (runner: string, t: number, n: number): ServingRow | undefined => r.throughput.find((x) => x.runner === runner && x.threads === t && x.batch === n);
  const rows = threads.flatMap((t) => BATCHES.map((n) => {
    const ours = find('blockgrad', t, n), ort = find('onnxruntime-web', t, n);
    const ratio = ours && ort ? quartiles(ours.perRound.map((v, k) => v / ort.perRound[k])) : undefined;
    return [
      `${t}`, `${n}`, rate(ours?.rowsPerSecond), rate(ort?.rowsPerSecond),
      ratio === undefined ? '—' : `${ratio.median.toFixed(2)}x`, ratio === undefined ? '—' : `${ratio.q1.toFixed(2)}–${ratio.q3.toFixed(2)}x`,
      ratio === undefined ? '—' : ratio.median >= 1 ? 'met' : 'MISSED',
    ];
  }));
  return {
    title: `Serving rows/s, each call awaited before the next (median of ${r.rounds} rounds); blockgrad / ort: the median and quartiles of the rounds' ratios, the two measured back to back in each round, blockgrad first in every other round (target ≥ 1.0x)`,
    headers: ['threads', 'batch', 'blockgrad createInferenceWorker', 'onnxruntime-web in a worker', 'blockgrad / ort', 'quartiles', 'target'],
    rows,
  };
}

export function latencyTable(r: ServingResult): Table {
  return {
    title: `One-row round trips through the worker: latency in ms (target: blockgrad p99 < 1 ms; "${ECHO}": a worker that answers at once, this machine's floor)`,
    headers: ['runner', 'threads', 'calls', 'p50 ms', 'p99 ms', 'p99 < 1 ms'],
    rows: r.latency.map((l) => [l.runner, `${l.threads}`, `${l.calls}`, l.p50Ms.toFixed(3), l.p99Ms.toFixed(3), l.runner === 'blockgrad' ? (l.p99Ms < 1 ? 'met' : 'MISSED') : '—']),
  };
}

function section(r: ServingResult, command: string): string {
  const m = r.model;
  return [
    '## serving',
    '',
    `Command: \`${command}\`${r.quick ? ' (quick subset)' : ''}, ${new Date().toISOString()}; load average at the end ${os.loadavg().map((l) => l.toFixed(2)).join(', ')}.`,
    '',
    `The training benchmark's digits model (in ${m.inFeatures}, hidden [${m.hidden.join(', ')}], M ${m.numEstimators}, alpha ${m.alpha}, C ${m.classes}) served from a worker:` +
      ' **blockgrad** `createInferenceWorker` (safetensors bytes, wasm backend at the given kernel threads; each answer holds every' +
      " estimator's probabilities, their mean, entropy and mutual information); **onnxruntime-web** " + `${r.ortVersion} (\`exportOnnx\` of the same model,` +
      ' wasm execution provider at the same thread count, in a worker thread: bench/lib/ort-serving-worker.mjs; each answer holds' +
      " every estimator's probabilities and their mean). Inputs are copied and transferred to the worker on both sides." +
      ` Each throughput measurement lasts ${r.minMs} ms; each runner's latency calls follow ${r.warmUpMs} ms of the same one-row calls.`,
    '',
    ...markdownTables([servingTable(r), latencyTable(r)], absentRunners(r.absent)),
  ].join('\n');
}

export async function benchServing(options: { threads: number[]; quick: boolean }, command: string, out: Output): Promise<ServingResult> {
  const result = await runServingBenchmark({ ...options, onProgress: progressBar('serving') });
  printTables([servingTable(result), latencyTable(result)], result.absent);
  writeJson(out, 'serving.json', result);
  if (out.markdown) writeSection(out.markdown, 'serving', `${section(result, command)}\n`);
  console.log(`\nwrote ${out.dir}/serving.json${out.markdown ? ' and the serving section of BENCHMARKS.md' : ''}`);
  return result;
}
