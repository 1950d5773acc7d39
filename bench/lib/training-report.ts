// The training tables (stdout and BENCHMARKS.md): steps per second of every runner, this engine's lead over
// each peer at the same thread count, and this engine's peak memory against the least a step can hold.
import { absentRunners, markdownTables, type Table } from './table.ts';
import { PAIRED_PAUSE_MS, type TrainingResult, type TrainingRow } from './training-benchmark.ts';
import { commandLine } from './markdown.ts';

export const runnerLabel = (r: Pick<TrainingRow, 'library' | 'backend' | 'threads'>): string => `${r.library} ${r.backend}${r.backend.startsWith('webgpu') ? '' : ` ${r.threads}T`}`;
const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(2);
const describe = (m: TrainingResult['models'][number]): string => `${m.name} (in ${m.inFeatures}, hidden [${m.hidden.join(', ')}], M ${m.numEstimators}, alpha ${m.alpha}, C ${m.classes}, batch ${m.batch})`;

/** blockgrad on wasm's row of `model` at `threads`. */
const wasmRow = (r: TrainingResult, model: string, threads: number): TrainingRow | undefined =>
  r.rows.find((x) => x.model === model && x.library === 'blockgrad' && x.backend === 'wasm' && x.threads === threads);

export function stepsTable(r: TrainingResult): Table {
  const runners = [...new Set(r.rows.map(runnerLabel))];
  const rows = r.models.map((m) => [
    describe(m),
    m.parameters.toLocaleString('en-US'),
    ...runners.map((label) => r.rows.find((x) => x.model === m.name && runnerLabel(x) === label)?.stepsPerSecond.toFixed(1) ?? '—'),
  ]);
  return {
    title: `Adam training steps per second (median of ${r.runs} runs, blockgrad wasm of ${r.wasmRuns} with its thread counts interleaved; each step ends with the loss read back)`,
    headers: ['model', 'parameters', ...runners],
    rows,
  };
}

/** The lead over a peer that the small model's step is held to, at every thread count. */
const PEER_TARGET = { model: 'digits', library: 'PyTorch', ratio: 1.3 };

/** The 1 -> 2 thread target's model and ratio. */
const SCALING_TARGET = { model: 'digits', ratio: 1.4 };

/** blockgrad wasm from its fewest to its most threads, from runs interleaved run by run. */
export function threadScalingTable(r: TrainingResult): Table {
  const rate = (model: string, threads: number): string => wasmRow(r, model, threads)?.stepsPerSecond.toFixed(1) ?? '—';
  const rows = r.scaling.map((s) => {
    const target = s.model === SCALING_TARGET.model ? (s.median >= SCALING_TARGET.ratio ? 'met' : 'MISSED') : '—';
    return [s.model, rate(s.model, s.from), rate(s.model, s.to), `${s.median.toFixed(2)}x`, `${s.q1.toFixed(2)}–${s.q3.toFixed(2)}x`, target];
  });
  const [from, to] = r.scaling.length ? [r.scaling[0].from, r.scaling[0].to] : [1, 2];
  return {
    title: `blockgrad wasm, ${from} -> ${to} threads: steps/s (median of ${r.wasmRuns} runs) and the ratio of each pair of runs made back to back (median, quartiles; target ≥ ${SCALING_TARGET.ratio}x on ${SCALING_TARGET.model})`,
    headers: ['model', `${from}T steps/s`, `${to}T steps/s`, `${to}T / ${from}T`, 'quartiles', 'target'],
    rows,
  };
}

/** blockgrad on wasm at the same thread count as each peer, over that peer (medians measured minutes apart: see pairedTorchTable for the target). */
export function leadTable(r: TrainingResult): Table {
  const rows = r.models.flatMap((m) =>
    r.rows
      .filter((x) => x.model === m.name && x.library !== 'blockgrad')
      .map((peer) => {
        const ours = wasmRow(r, m.name, peer.threads);
        const lead = ours ? ours.stepsPerSecond / peer.stepsPerSecond : undefined;
        return [m.name, runnerLabel(peer), peer.stepsPerSecond.toFixed(1), ours ? ours.stepsPerSecond.toFixed(1) : '—', lead === undefined ? '—' : `${lead.toFixed(2)}x`, lead === undefined ? '—' : lead > 1 ? 'yes' : 'no'];
      }));
  return {
    title: 'blockgrad wasm against each peer at the same thread count (steps/s, median runs, each runner measured on its own)',
    headers: ['model', 'peer', 'peer steps/s', 'blockgrad wasm steps/s', 'blockgrad / peer', 'faster'],
    rows,
  };
}

/** The small model against PyTorch in paired rounds: the target's figure. */
export function pairedTorchTable(r: TrainingResult): Table {
  const rows = r.versusTorch.map((p) => {
    const target = p.model === PEER_TARGET.model ? (p.median >= PEER_TARGET.ratio ? 'met' : 'MISSED') : '—';
    return [p.model, `${p.threads}`, `${p.rounds}`, `${p.median.toFixed(2)}x`, `${p.q1.toFixed(2)}–${p.q3.toFixed(2)}x`, target];
  });
  return {
    title: `blockgrad wasm over ${PEER_TARGET.library} cpu in rounds made back to back (each round one ${PEER_TARGET.library} run, above 1 thread the faster of its two thread-pool launches, and one blockgrad run at the same thread count, each after a pause of ${PAIRED_PAUSE_MS} ms, ${PEER_TARGET.library} first in every other round): the median of the rounds' step-time ratios and their quartiles (target ≥ ${PEER_TARGET.ratio}x on ${PEER_TARGET.model})`,
    headers: ['model', 'threads', 'rounds', `blockgrad / ${PEER_TARGET.library}`, 'quartiles', 'target'],
    rows,
  };
}

/** The training section's tables, in order (the paired one where PyTorch ran, the thread-scaling one where two thread counts were measured). */
export function trainingTables(r: TrainingResult): Table[] {
  return [stepsTable(r), leadTable(r), ...(r.versusTorch.length ? [pairedTorchTable(r)] : []), ...(r.scaling.length ? [threadScalingTable(r)] : []), trainingMemoryTable(r)];
}

export function trainingMemoryTable(r: TrainingResult): Table {
  const ours = r.rows.filter((x) => x.peakBytes !== undefined);
  const runners = [...new Set(ours.map(runnerLabel))];
  const rows = r.models.map((m) => {
    const peaks = runners.map((label) => ours.find((x) => x.model === m.name && runnerLabel(x) === label)?.peakBytes);
    const measured = peaks.filter((b): b is number => b !== undefined);
    return [m.name, mib(4 * m.parameters), mib(m.budgetBytes), ...peaks.map((b) => (b === undefined ? '—' : mib(b))), measured.length ? (Math.max(...measured) <= m.budgetBytes ? 'met' : 'MISSED') : '—'];
  });
  return {
    title: 'blockgrad peak memory of one training step (MiB, after backward: parameters, gradients, Adam moments, graph)',
    headers: ['model', 'parameters (f32)', 'budget: 4 × parameters + activations and their gradients', ...runners, 'within budget'],
    rows,
  };
}

export function trainingSection(r: TrainingResult, command: string): string {
  return [
    '## training',
    '',
    commandLine(command, r.quick, r.date),
    '',
    'Whole Adam steps (lr 1e-3) of a Packed-Ensembles MLP on one fixed synthetic batch: **blockgrad** (`nn.PackedMLP`, `crossEntropy` of',
    'every estimator, `optim.Adam`; js for the small model only); **tfjs** (tfjs-core ops on its wasm backend: a batched `matMul` per',
    'layer, relu, log-softmax cross-entropy, `tf.train.adam`); **jax-js** (`jit` of `valueAndGrad` and Adam written out, wasm device);',
    '**PyTorch** (`bench/torch_packed_mlp.py`: `bmm` per layer, `torch.optim.Adam`; threads as in the grid above). Every step ends with the',
    'loss read back. **webgpu-swiftshader**: SwiftShader, a software adapter on the CPU: CPU timings, not a GPU figure.',
    '',
    ...markdownTables(trainingTables(r), absentRunners(r.absent)),
  ].join('\n');
}
