// The conv part of `npm run bench`: the packed ResNet-18 (CIFAR stem) forward in images/s against
// onnxruntime-web (the same model through io.exportOnnx) and jax-js, a training step against tfjs (a
// loop over groups) and jax-js, and a grid of single grouped 3x3 convolutions with peak memory.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as bg from '../../src/index.ts';
import { convModels, forwardFlops, type ConvModel } from './conv-model.ts';
import { convFlops, engineConvForward, engineConvLayer, engineConvTraining, engineResNet, type ConvPoint } from './conv-engine.ts';
import { runOrtConv } from './conv-ort.ts';
import { runConvPeer, type ConvPeerJob, type ConvPeerReport } from './conv-peers.ts';
import { ChildTimeoutError } from './ort.ts';
import { PeakProbe } from './peak.ts';
import type { OnProgress } from './progress.ts';
import { timeRuns, type Timing, type TimingOptions } from './timing.ts';
import type { Pass } from './types.ts';

export type ConvLibrary = 'blockgrad' | 'onnxruntime-web' | 'jax-js' | 'tfjs';

export interface ConvModelRow {
  library: ConvLibrary;
  backend: string;
  threads: number;
  batch: number;
  /** Median ms per call, and the fastest run's. */
  ms: number;
  bestMs: number;
  imagesPerSecond: number;
  /** Training, this engine only: bytes the backend holds at the fullest moment of a step. */
  peakBytes?: number;
}

export interface ConvGridRow extends ConvPoint {
  threads: number;
  pass: Pass;
  ms: number;
  gflops: number;
  /** Of threads × the measured single-core wasm SIMD peak. */
  percentOfPeak: number;
  /** forward+backward: bytes the backend holds at the fullest moment (inputs, weight, gradients, patches). */
  peakBytes?: number;
}

export interface ConvResult {
  quick: boolean;
  /** When the run ended (ISO 8601). */
  date: string;
  runs: number;
  model: ConvModel & { parameters: number; forwardGflop: number };
  forwardBatches: number[];
  forward: ConvModelRow[];
  training: ConvModelRow[];
  grid: ConvGridRow[];
  /** Batch of the grid's convolutions. */
  gridBatch: number;
  peakPerCoreGflops: number;
  absent: { runner: string; reason: string }[];
}

export interface ConvBenchOptions {
  quick: boolean;
  threads: number[];
  onProgress?: OnProgress;
  /** Longest a peer's measurement (one child process: warm-up and timed runs) may take; default PEER_LIMIT_MS. */
  peerLimitMs?: number;
}

/** A peer measurement still running after this long is stopped and reported absent, with the limit. */
export const PEER_LIMIT_MS = 6 * 60_000;

/** ResNet-18's stages: channels 64 at 32x32 down to 512 at 4x4, each at groups 1 to 16. */
export function convGrid(quick: boolean): ConvPoint[] {
  if (quick) return [1, 4].map((groups) => ({ batch: 2, channels: 16, size: 8, groups }));
  return [[64, 32], [128, 16], [256, 8], [512, 4]].flatMap(([channels, size]) => [1, 2, 4, 8, 16].map((groups) => ({ batch: 32, channels, size, groups })));
}

const reason = (e: unknown): string => (e instanceof Error ? e.message : String(e));

export async function runConvBenchmark(options: ConvBenchOptions): Promise<ConvResult> {
  const m = options.quick ? convModels.tiny : convModels.resnet18;
  const batches = options.quick ? [m.batch] : [32, 128];
  const timing: TimingOptions = options.quick ? { runs: 3, minMs: 5 } : { runs: 5, minMs: 200 };
  const slow: TimingOptions = options.quick ? timing : { runs: 3, minMs: 0 }; // the peers' whole-model steps take seconds to minutes
  const grid = convGrid(options.quick);
  const forward: ConvModelRow[] = [], training: ConvModelRow[] = [], gridRows: ConvGridRow[] = [];
  const absent: ConvResult['absent'] = [];
  const total = options.threads.length * (batches.length + 2 + grid.length) + batches.length + 2; // per thread count: forwards, training, grid, onnxruntime-web; then the peers
  let done = 0;
  const progress = (what: string): void => options.onProgress?.(done++, total, what);
  const model = (library: ConvLibrary, backend: string, threads: number, batch: number, t: Timing): ConvModelRow =>
    ({ library, backend, threads, batch, ms: t.median, bestMs: t.fastest, imagesPerSecond: (1000 * batch) / t.median });
  const attempt = async (runner: string, fn: () => Promise<void>): Promise<void> => {
    try {
      await fn();
    } catch (e) {
      absent.push({ runner, reason: reason(e) });
    }
  };

  const probe = await PeakProbe.start();
  let parameters = 0;
  const onnxPath = join(mkdtempSync(join(tmpdir(), 'blockgrad-conv-')), 'resnet18.onnx');
  for (const threads of options.threads) {
    await bg.init({ backend: 'wasm', threads });
    await probe.measure({ runs: 3, minMs: 20 });
    if (!parameters) {
      const net = engineResNet(m).eval();
      parameters = net.parameters().reduce((n, p) => n + p.size, 0);
      writeFileSync(onnxPath, await bg.io.exportOnnx(net));
      for (const t of Object.values(net.stateDict())) t.dispose();
    }
    for (const batch of batches) {
      progress(`blockgrad forward ${batch} ${threads}T`);
      await attempt(`blockgrad wasm ${threads}T forward`, async () => {
        const w = engineConvForward({ ...m, batch });
        try {
          forward.push(model('blockgrad', 'wasm', threads, batch, await timeRuns(() => w.step(), timing)));
        } finally {
          w.dispose();
        }
      });
    }
    progress(`blockgrad training ${threads}T`);
    await attempt(`blockgrad wasm ${threads}T training`, async () => {
      const w = engineConvTraining(m);
      try {
        training.push({ ...model('blockgrad', 'wasm', threads, m.batch, await timeRuns(() => w.step(), timing)), peakBytes: await w.peakBytes!() });
      } finally {
        w.dispose();
      }
    });
    for (const p of grid) {
      progress(`conv ${p.channels}ch ${p.size}x${p.size} g${p.groups} ${threads}T`);
      await attempt(`blockgrad conv2d ${p.channels}ch ${p.size}x${p.size} groups ${p.groups} ${threads}T`, async () => {
        const w = engineConvLayer(p);
        try {
          for (const pass of ['forward', 'forward+backward'] as const) {
            const t = await timeRuns(() => w.step(pass), timing);
            const gflops = ((pass === 'forward' ? 1 : 3) * convFlops(p)) / (t.median * 1e6);
            gridRows.push({ ...p, threads, pass, ms: t.median, gflops, percentOfPeak: 0, ...(pass === 'forward+backward' ? { peakBytes: await w.peakBytes() } : {}) });
          }
        } finally {
          w.dispose();
        }
      });
    }
    progress(`onnxruntime-web ${threads}T`);
    await attempt(`onnxruntime-web wasm ${threads}T`, async () => {
      const r = await runOrtConv({ threads, modelPath: onnxPath, channels: m.inChannels, size: m.size, batches, timing: slow });
      r.ms.forEach((t, k) => forward.push(model('onnxruntime-web', 'wasm', r.threads, batches[k], t)));
    });
  }
  const peak = probe.result().gflops;
  for (const r of gridRows) r.percentOfPeak = (100 * r.gflops) / (peak * r.threads);

  // The peers run in child processes, each measurement within peerLimitMs: jax-js's first forward of the
  // full-size model did not finish in 10 minutes in-process, which stopped the whole stage.
  // A library stopped at the limit is not run again on a larger batch or on training, which take longer.
  const stopped = new Map<string, string>();
  const peer = async (job: Omit<ConvPeerJob, 'timing'>, runner: string, push: (r: ConvPeerReport) => void): Promise<void> => {
    progress(runner);
    const earlier = stopped.get(job.library);
    if (earlier) return void absent.push({ runner, reason: `not run: ${earlier}` });
    await attempt(runner, async () => {
      try {
        push(await runConvPeer({ ...job, timing: slow }, options.peerLimitMs ?? PEER_LIMIT_MS));
      } catch (e) {
        if (e instanceof ChildTimeoutError) stopped.set(job.library, `its ${runner} was ${reason(e)}`);
        throw e;
      }
    });
  };
  for (const batch of batches) {
    await peer({ library: 'jax-js', pass: 'forward', model: { ...m, batch } }, `jax-js wasm forward (batch ${batch})`, (r) => forward.push(model('jax-js', r.backend, r.threads, batch, r.ms)));
  }
  await peer({ library: 'jax-js', pass: 'training', model: m }, 'jax-js wasm training', (r) => training.push(model('jax-js', r.backend, r.threads, m.batch, r.ms)));
  await peer({ library: 'tfjs', pass: 'training', model: m }, 'tfjs cpu training', (r) => training.push(model('tfjs', r.backend, r.threads, m.batch, r.ms)));
  options.onProgress?.(total, total, 'done');
  return {
    quick: options.quick,
    date: new Date().toISOString(),
    runs: timing.runs,
    model: { ...m, parameters, forwardGflop: forwardFlops(m) / 1e9 },
    forwardBatches: batches,
    forward,
    training,
    grid: gridRows,
    gridBatch: grid[0].batch,
    peakPerCoreGflops: peak,
    absent: absent.filter((a, i) => absent.findIndex((b) => b.runner === a.runner) === i),
  };
}
