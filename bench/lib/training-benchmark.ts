// Whole training steps of the Packed-Ensembles MLPs (training-model.ts) with Adam: this engine on js
// (the small model only), wasm at each thread count and WebGPU (when an adapter is there; on a software
// one the small model only), against tfjs (wasm), jax-js (wasm) and PyTorch (CPU, when torch imports).
import * as bg from '../../src/index.ts';
import type { AdapterKind } from './adapter.ts';
import { loadJax } from './jax.ts';
import type { OnProgress } from './progress.ts';
import { loadTfjs } from './tfjs.ts';
import { median, quartiles, timeInterleaved, timeRuns, type Timing, type TimingOptions } from './timing.ts';
import { engineTraining, type TrainingWorkload } from './training-engine.ts';
import { jaxTraining } from './training-jax.ts';
import { parameterCount, trainingBudgetBytes, trainingModels, type TrainingModel } from './training-model.ts';
import { tfjsTraining } from './training-tfjs.ts';
import { torchTraining } from './training-torch.ts';
import { torchMissing } from './torch.ts';

export type Library = 'blockgrad' | 'tfjs' | 'jax-js' | 'PyTorch';

export interface TrainingRow {
  model: TrainingModel['name'];
  library: Library;
  backend: string;
  threads: number;
  /** Median ms per step, and the fastest run's. */
  ms: number;
  bestMs: number;
  stepsPerSecond: number;
  /** This engine only: bytes the backend holds at the fullest moment of a step. */
  peakBytes?: number;
}

/** blockgrad wasm's steps/s at `to` threads over those at `from`, run by run (the two interleaved): median and quartiles. */
export interface ThreadScaling {
  model: TrainingModel['name'];
  from: number;
  to: number;
  median: number;
  q1: number;
  q3: number;
}

/**
 * blockgrad wasm over PyTorch on one model at one thread count, in rounds made back to back (one PyTorch run and
 * one blockgrad run, each after a pause, PyTorch first in every other round): the median and quartiles of the rounds'
 * ratios (PyTorch's ms per step over blockgrad's).
 */
export interface PairedLead {
  model: TrainingModel['name'];
  threads: number;
  rounds: number;
  median: number;
  q1: number;
  q3: number;
}

export interface TrainingResult {
  quick: boolean;
  /** When the run ended (ISO 8601). */
  date: string;
  runs: number;
  /** Runs of blockgrad wasm, whose thread counts are measured interleaved. */
  wasmRuns: number;
  scaling: ThreadScaling[];
  /** The digits model against PyTorch in paired rounds, per thread count (empty without PyTorch). */
  versusTorch: PairedLead[];
  models: (TrainingModel & { parameters: number; budgetBytes: number })[];
  rows: TrainingRow[];
  absent: { runner: string; reason: string }[];
}

export interface TrainingOptions {
  quick: boolean;
  threads: number[];
  adapter: AdapterKind;
  onProgress?: OnProgress;
}

const reason = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export async function runTrainingBenchmark(options: TrainingOptions): Promise<TrainingResult> {
  const models = options.quick ? [trainingModels.digits] : [trainingModels.digits, trainingModels.wide];
  const timing: TimingOptions = options.quick ? { runs: 3, minMs: 5 } : { runs: 5, minMs: 200 };
  // more runs where two thread counts are compared run by run
  const wasmTiming: TimingOptions = options.quick ? timing : { runs: 11, minMs: 200 };
  const rows: TrainingRow[] = [];
  const absent: TrainingResult['absent'] = [];
  // wasm is measured apart, its thread counts interleaved (see measureWasm)
  const engineBackends: [bg.BackendName, number][] = [['js', 1]];
  if (options.adapter.kind === 'none') absent.push({ runner: 'blockgrad webgpu', reason: options.adapter.reason });
  else engineBackends.push(['webgpu', 1]);
  const engineJobs = engineBackends.flatMap(([backend, threads]) =>
    models
      .filter((m) => m.name === 'digits' || (backend !== 'js' && !(backend === 'webgpu' && options.adapter.kind === 'software'))) // js, and WebGPU on a CPU adapter: the small model only
      .map((m) => ({ backend, threads, m })));
  const noTorch = torchMissing();
  const total = engineJobs.length + 3 * models.length + (noTorch ? 0 : 2 * options.threads.length);
  let done = 0;
  const progress = (what: string): void => options.onProgress?.(done++, total, what);
  const record = async (m: TrainingModel, library: Library, backend: string, threads: number, make: () => TrainingWorkload): Promise<void> => {
    progress(`${m.name}: ${library} ${backend} ${threads}T`);
    let w: TrainingWorkload | undefined;
    try {
      w = make();
      const t = await timeRuns(() => w?.step(), timing);
      rows.push(await withPeak(row(m, library, backend, threads, t), w));
    } catch (e) {
      absent.push({ runner: `${library} ${backend} (${m.name})`, reason: reason(e) });
    } finally {
      w?.dispose();
    }
  };

  const runEngineJobs = async (jobs: typeof engineJobs): Promise<void> => {
    for (const { backend, threads, m } of jobs) {
      await bg.init({ backend, threads });
      const shown = backend === 'webgpu' && options.adapter.kind === 'software' ? 'webgpu-swiftshader' : backend;
      await record(m, 'blockgrad', shown, threads, () => engineTraining(m));
    }
  };
  await runEngineJobs(engineJobs.filter((j) => j.backend === 'js'));
  const scaling: ThreadScaling[] = [];
  for (const m of models) {
    progress(`${m.name}: blockgrad wasm ${options.threads.join(', ')}T interleaved`);
    try {
      const measured = await measureWasm(m, options.threads, wasmTiming);
      rows.push(...measured.rows);
      if (measured.scaling) scaling.push(measured.scaling);
    } catch (e) {
      absent.push({ runner: `blockgrad wasm (${m.name})`, reason: reason(e) });
    }
  }
  await runEngineJobs(engineJobs.filter((j) => j.backend !== 'js'));

  const tfjs = await loadTfjs().catch((e: unknown) => new Error(`tfjs could not start: ${reason(e)}`));
  const jax = await loadJax().catch((e: unknown) => new Error(`jax-js could not start: ${reason(e)}`));
  for (const m of models) {
    if (tfjs instanceof Error) absent.push({ runner: 'tfjs wasm', reason: tfjs.message });
    else await record(m, 'tfjs', 'wasm', tfjs.threads, () => tfjsTraining(tfjs, m));
    if (jax instanceof Error) absent.push({ runner: 'jax-js wasm', reason: jax.message });
    else await record(m, 'jax-js', 'wasm', jax.threads, () => jaxTraining(jax, m));
  }

  const versusTorch: PairedLead[] = [];
  if (noTorch) absent.push({ runner: 'PyTorch cpu', reason: noTorch });
  else {
    for (const t of options.threads) {
      progress(`PyTorch cpu ${t}T`);
      try {
        torchTraining(models, t, timing).forEach((timing, k) => rows.push(row(models[k], 'PyTorch', 'cpu', t, timing)));
      } catch (e) {
        absent.push({ runner: `PyTorch cpu ${t}T`, reason: reason(e) });
      }
    }
    const digits = trainingModels.digits, rounds = options.quick ? 2 : 9;
    for (const t of options.threads) {
      progress(`digits: PyTorch cpu and blockgrad wasm ${t}T in paired rounds`);
      try {
        versusTorch.push(await pairedWithTorch(digits, t, rounds, timing.minMs));
      } catch (e) {
        absent.push({ runner: `PyTorch cpu ${t}T, paired rounds`, reason: reason(e) });
      }
    }
  }
  options.onProgress?.(total, total, 'done');
  return {
    quick: options.quick,
    date: new Date().toISOString(),
    runs: timing.runs,
    wasmRuns: wasmTiming.runs,
    scaling,
    versusTorch,
    models: models.map((m) => ({ ...m, parameters: parameterCount(m), budgetBytes: trainingBudgetBytes(m) })),
    rows,
    absent: dedupe(absent),
  };
}

/**
 * blockgrad on wasm at each thread count, their runs interleaved (timeInterleaved): one thread count measured after
 * the other, a slow spell of the shared machine can fall on either (one run's table read the digits step's 1 -> 2
 * thread ratio as 1.17x where its step profile, alternating the two, read 1.27x). Each thread count has a backend
 * of its own; `bg.init` selects it before each of its runs.
 */
async function measureWasm(m: TrainingModel, threads: number[], timing: TimingOptions): Promise<{ rows: TrainingRow[]; scaling: ThreadScaling | null }> {
  const enter = (t: number): Promise<unknown> => bg.init({ backend: 'wasm', threads: t });
  const workloads: { t: number; w: TrainingWorkload }[] = [];
  try {
    for (const t of threads) {
      await enter(t);
      workloads.push({ t, w: engineTraining(m) });
    }
    const runs = await timeInterleaved(workloads.map(({ t, w }) => ({ enter: () => enter(t), fn: () => w.step() })), timing);
    const rows: TrainingRow[] = [];
    for (const [k, { t, w }] of workloads.entries()) {
      await enter(t);
      rows.push(await withPeak(row(m, 'blockgrad', 'wasm', t, { median: median(runs[k]), fastest: Math.min(...runs[k]) }), w));
    }
    const last = runs.length - 1;
    const scaling = last > 0 ? { model: m.name, from: threads[0], to: threads[last], ...quartiles(runs[0].map((ms, k) => ms / runs[last][k])) } : null;
    return { rows, scaling };
  } finally {
    for (const { t, w } of workloads) {
      await enter(t);
      w.dispose();
    }
  }
}

/**
 * The pause before each run of a paired round. Run right after one of ours, PyTorch's 1-thread digits step read a
 * median of 1,424 steps/s against 1,680 right after one of its own (8 rounds each, alternating); with this pause
 * before every run the two orders read 1.25x and 1.28x, no order effect.
 */
export const PAIRED_PAUSE_MS = 500;
const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, PAIRED_PAUSE_MS));

/**
 * blockgrad wasm at `threads` against PyTorch on `m` in `rounds` rounds, each one PyTorch run (a launch of its script:
 * a warm-up, then one run of minMs; above 1 thread the faster of its two thread-pool launches, torchLaunches) and one
 * blockgrad run (a warm-up, then one run of minMs), each after a pause (PAIRED_PAUSE_MS), PyTorch first in the
 * first, third, … rounds and second in the others (neither always follows the other), so that a slow spell of the
 * shared machine, seconds long, falls on both sides of a round; medians measured minutes apart (the steps table) have
 * read PyTorch's digits step anywhere from 1,259 to 1,687 steps/s between runs.
 */
async function pairedWithTorch(m: TrainingModel, threads: number, rounds: number, minMs: number): Promise<PairedLead> {
  await bg.init({ backend: 'wasm', threads });
  const w = engineTraining(m);
  const ourRun = async (): Promise<Timing> => {
    await settle();
    return timeRuns(() => w.step(), { runs: 1, minMs });
  };
  try {
    const ratios: number[] = [];
    for (let k = 0; k < rounds; k++) {
      // the second, fourth, … rounds run blockgrad first, so that neither side always follows the other
      const first = k % 2 ? await ourRun() : null;
      await settle();
      const [torch] = torchTraining([m], threads, { runs: 1, minMs });
      const ours = first ?? (await ourRun());
      ratios.push(torch.median / ours.median);
    }
    return { model: m.name, threads, rounds, ...quartiles(ratios) };
  } finally {
    w.dispose();
  }
}

/** The row with the workload's peak bytes, where it can measure them. */
async function withPeak(r: TrainingRow, w: TrainingWorkload): Promise<TrainingRow> {
  return w.peakBytes ? { ...r, peakBytes: await w.peakBytes() } : r;
}

function row(m: TrainingModel, library: Library, backend: string, threads: number, t: Timing): TrainingRow {
  return { model: m.name, library, backend, threads, ms: t.median, bestMs: t.fastest, stepsPerSecond: 1000 / t.median };
}

const dedupe = <T extends { runner: string }>(xs: T[]): T[] => xs.filter((x, i) => xs.findIndex((y) => y.runner === x.runner) === i);
