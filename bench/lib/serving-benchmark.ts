// Serving the training benchmark's digits-sized Packed-Ensembles MLP: this engine's createInferenceWorker
// (wasm backend inside the worker) against onnxruntime-web running the model's ONNX export in a worker
// thread of its own (ort-serving-worker.mjs), each at the same kernel thread count. Every call is awaited
// before the next: one-row latency (p50, p99 over the calls) and rows/s at fixed batch sizes. Beside the two,
// the latency of a worker that answers at once (no model): the floor this machine puts under any one-row round trip.
import { Worker } from 'node:worker_threads';
import * as bg from '../../src/index.ts';
import type { OnProgress } from './progress.ts';
import { median } from './timing.ts';
import { engineMLP } from './training-engine.ts';
import { trainingModels, type TrainingModel } from './training-model.ts';

export type Runner = 'blockgrad' | 'onnxruntime-web';
export const runners: Runner[] = ['blockgrad', 'onnxruntime-web'];
export const BATCHES = [1, 32, 512];

export interface ServingRow {
  runner: Runner;
  threads: number;
  batch: number;
  /** Median over the rounds of rows served per second. */
  rowsPerSecond: number;
  /** Rows per second in each round, in order: within a round the runners are measured one right after the other (blockgrad first in the first, third, … rounds, second in the others). */
  perRound: number[];
}

/** The latency floor's runner: a worker thread that echoes each message (no model, no library). */
export const ECHO = 'postMessage echo (no model)';

export interface LatencyRow {
  runner: Runner | typeof ECHO;
  threads: number;
  calls: number;
  p50Ms: number;
  p99Ms: number;
}

export interface ServingResult {
  quick: boolean;
  rounds: number;
  /** ms of one throughput measurement. */
  minMs: number;
  /** ms of the one-row warm-up before each runner's latency calls. */
  warmUpMs: number;
  model: TrainingModel;
  ortVersion: string;
  throughput: ServingRow[];
  latency: LatencyRow[];
  absent: { runner: string; reason: string }[];
}

/** A model server: predict awaits one batch's answer (probabilities per estimator and their mean). */
interface Server {
  predict(x: Float32Array, n: number): Promise<unknown>;
  close(): void;
}

async function blockgradServer(bytes: Uint8Array, threads: number): Promise<Server> {
  const worker = await bg.createInferenceWorker({ model: bytes, backend: 'wasm', threads });
  return { predict: (x, n) => worker.predict(x, n), close: () => worker.terminate() };
}

async function ortServer(onnx: Uint8Array, threads: number): Promise<Server & { version: string }> {
  const worker = new Worker(new URL('./ort-serving-worker.mjs', import.meta.url), { workerData: { onnx, threads } });
  const next = (): Promise<Record<string, unknown>> =>
    new Promise((resolve, reject) => {
      // Each call's error listener goes with its answer: left behind, one would pile up per call.
      const onError = (e: Error): void => {
        worker.off('message', onMessage);
        reject(e);
      };
      const onMessage = (m: Record<string, unknown>): void => {
        worker.off('error', onError);
        if (m.error) reject(new Error(String(m.error)));
        else resolve(m);
      };
      worker.once('message', onMessage);
      worker.once('error', onError);
    });
  const ready = await next().catch((e: unknown) => {
    void worker.terminate();
    throw e;
  });
  return {
    version: String(ready.version),
    predict(x, n) {
      const answer = next();
      const copy = x.slice(); // as createInferenceWorker does: the caller's buffer is not detached
      worker.postMessage({ x: copy, n }, [copy.buffer]);
      return answer;
    },
    close: () => void worker.terminate(),
  };
}

/** A worker thread answering each { x, n } with n·10 floats at once, transferred: a round trip with no work in it. */
function echoServer(): Server {
  const source = `const { parentPort } = require('node:worker_threads');
parentPort.on('message', ({ x, n }) => { const out = new Float32Array(n * 10); out[0] = x[0]; parentPort.postMessage(out, [out.buffer]); });`;
  const worker = new Worker(source, { eval: true });
  return {
    predict(x, n) {
      const answer = new Promise((resolve) => worker.once('message', resolve));
      const copy = x.slice();
      worker.postMessage({ x: copy, n }, [copy.buffer]);
      return answer;
    },
    close: () => void worker.terminate(),
  };
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];

function rows(m: TrainingModel, n: number): Float32Array {
  const rng = new bg.Rng(n);
  return Float32Array.from({ length: n * m.inFeatures }, () => rng.normal());
}

/** Rows per second over back-to-back calls lasting at least minMs. */
async function throughput(s: Server, x: Float32Array, n: number, minMs: number): Promise<number> {
  let calls = 0;
  const t0 = performance.now();
  let elapsed = 0;
  while (elapsed < minMs) {
    await s.predict(x, n);
    calls++;
    elapsed = performance.now() - t0;
  }
  return (calls * n * 1000) / elapsed;
}

/**
 * p50 and p99 of one-row calls, after warmUpMs of the same calls right before: the first thousand or so calls of a
 * process still compile (one-row p99 read 2–3 ms in the first 2,000 calls after the batch warm-up, 0.4–1.0 ms two
 * seconds later), and the runner measured first would pay for the other's batch traffic.
 */
async function latency(s: Server, x: Float32Array, calls: number, warmUpMs: number): Promise<{ p50Ms: number; p99Ms: number }> {
  await throughput(s, x, 1, warmUpMs);
  const ms: number[] = [];
  for (let k = 0; k < calls; k++) {
    const t0 = performance.now();
    await s.predict(x, 1);
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  return { p50Ms: percentile(ms, 0.5), p99Ms: percentile(ms, 0.99) };
}

export async function runServingBenchmark(options: { quick: boolean; threads: number[]; onProgress?: OnProgress }): Promise<ServingResult> {
  const m = trainingModels.digits;
  // Many short rounds: the two runners of a round more often share a slow spell of the machine within 400 ms than
  // within 1 s, and one spell moves a median of 11 ratios less than one of 5 (5 rounds of 1 s read quartiles of
  // 0.94-1.26x and 0.97-1.18x at 2 threads, 512 and 32 rows, in the run of de18f1e).
  const rounds = options.quick ? 3 : 11, minMs = options.quick ? 200 : 400, warmUpMs = options.quick ? 200 : 1000, latencyCalls = options.quick ? 300 : 2000;
  await bg.init({ backend: 'js' }); // the served model is built and exported on the host
  const model = engineMLP(m);
  const bytes = await bg.io.saveSafetensors(model);
  const onnx = await bg.io.exportOnnx(model);
  for (const p of model.parameters()) p.dispose();

  const result: ServingResult = { quick: options.quick, rounds, minMs, warmUpMs, model: m, ortVersion: '', throughput: [], latency: [], absent: [] };
  const total = options.threads.length * (rounds * BATCHES.length + 1);
  let done = 0;
  for (const threads of options.threads) {
    const servers = new Map<Runner, Server>();
    for (const runner of runners) {
      try {
        if (runner === 'blockgrad') servers.set(runner, await blockgradServer(bytes, threads));
        else {
          const s = await ortServer(onnx, threads);
          result.ortVersion = s.version;
          servers.set(runner, s);
        }
      } catch (e) {
        result.absent.push({ runner: `${runner} ${threads}T`, reason: e instanceof Error ? e.message : String(e) });
      }
    }
    const inputs = new Map(BATCHES.map((n) => [n, rows(m, n)]));
    for (const s of servers.values()) for (const n of BATCHES) await throughput(s, inputs.get(n)!, n, warmUpMs / 4); // warm-up
    options.onProgress?.(done++, total, `serving ${threads}T: one-row latency`);
    for (const [runner, s] of servers) result.latency.push({ runner, threads, calls: latencyCalls, ...(await latency(s, inputs.get(1)!, latencyCalls, warmUpMs)) });
    const echo = echoServer();
    result.latency.push({ runner: ECHO, threads, calls: latencyCalls, ...(await latency(echo, inputs.get(1)!, latencyCalls, warmUpMs)) });
    echo.close();
    const perRound = new Map<string, number[]>();
    for (let r = 0; r < rounds; r++) {
      for (const n of BATCHES) {
        options.onProgress?.(done++, total, `serving ${threads}T: batch ${n}, round ${r + 1}`);
        // the second, fourth, … rounds measure the runners in the other order, so that neither always follows the other
        for (const [runner, s] of r % 2 ? [...servers].reverse() : servers) {
          const key = `${runner}|${n}`;
          perRound.set(key, [...(perRound.get(key) ?? []), await throughput(s, inputs.get(n)!, n, minMs)]);
        }
      }
    }
    for (const [key, values] of perRound) {
      const [runner, n] = key.split('|');
      result.throughput.push({ runner: runner as Runner, threads, batch: Number(n), rowsPerSecond: median(values), perRound: values });
    }
    for (const s of servers.values()) s.close();
  }
  options.onProgress?.(total, total, 'done');
  return result;
}
