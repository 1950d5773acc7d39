// The WebGPU grid (see grid.ts): this engine's blockLinear at f32 and f16, the other ways written
// with this engine, and tfjs's WebGPU backend (batched matMul, gradients by tf.grads), all on the same
// adapter. Each timed call ends with the GPU done (the engine's flush, tfjs's submit and wait).
import os from 'node:os';
import * as bg from '../../src/index.ts';
import type { Precision } from '../../src/backend/backend.ts';
import { engineStrategies, engineWorkload, type Workload } from './engine-strategies.ts';
import { gflops, label, webgpuGridPoints } from './grid.ts';
import { tfjsWorkload } from './tfjs.ts';
import { loadTfjsWebGPU } from './tfjs-webgpu.ts';
import { timeMs, type TimingOptions } from './timing.ts';
import type { Pass, Point } from './types.ts';

export const webgpuStrategies = ['blockLinear', 'blockLinear f16', 'mask', 'loop', 'blockDiag', 'tfjs-webgpu'] as const;
export type WebGPUStrategy = (typeof webgpuStrategies)[number];

export interface WebGPURow extends Point {
  strategy: WebGPUStrategy;
  pass: Pass;
  ms: number;
  gflops: number;
}

export interface WebGPUBenchResult {
  backend: 'webgpu';
  command: string;
  quick: boolean;
  runs: number;
  /** The adapter, as the engine's backend reports it (info().details). */
  adapter: Record<string, string | number | boolean>;
  /** SwiftShader or another CPU implementation: the figures are CPU timings, no GPU figure. */
  software: boolean;
  machine: { cpu: string; cores: number; node: string; date: string; loadAverage: number[] };
  rows: WebGPURow[];
  absent: { strategy: WebGPUStrategy; reason: string }[];
}

const passes: Pass[] = ['forward', 'forward+backward'];
const reason = (e: unknown): string => (e instanceof Error ? e.message : String(e));

/** The engine's workload of a strategy on the current (WebGPU) backend. */
function engineOf(strategy: WebGPUStrategy, p: Point): Workload {
  const [name, precision]: [(typeof engineStrategies)[number], Precision] = strategy === 'blockLinear f16' ? ['blockLinear', 'f16'] : [strategy as (typeof engineStrategies)[number], 'f32'];
  return engineWorkload(name, p, precision);
}

export async function runWebGPUBenchmark(options: {
  quick: boolean;
  command: string;
  onProgress?: (done: number, total: number, what: string) => void;
}): Promise<WebGPUBenchResult> {
  const timing: TimingOptions = options.quick ? { runs: 3, minMs: 5 } : { runs: 5, minMs: 50 };
  await bg.init({ backend: 'webgpu' });
  const backend = await bg.getBackend('webgpu');
  const details = backend.info().details;
  const rows: WebGPURow[] = [];
  const absent: WebGPUBenchResult['absent'] = [];
  const tfjs = await loadTfjsWebGPU().catch((e: unknown) => new Error(`tfjs-backend-webgpu could not start in Node: ${reason(e)}`));
  if (tfjs instanceof Error) absent.push({ strategy: 'tfjs-webgpu', reason: tfjs.message });
  const points = webgpuGridPoints(options.quick);
  let done = 0;
  for (const p of points) {
    for (const strategy of webgpuStrategies) {
      options.onProgress?.(done, points.length * webgpuStrategies.length, `${label(p)} ${strategy}`);
      done++;
      if (strategy === 'tfjs-webgpu' && tfjs instanceof Error) continue;
      const w = strategy === 'tfjs-webgpu' ? tfjsWorkload(tfjs as Exclude<typeof tfjs, Error>, p) : engineOf(strategy, p);
      const sync = strategy === 'tfjs-webgpu' ? (tfjs as Exclude<typeof tfjs, Error>).sync : () => backend.flush();
      try {
        for (const pass of passes) {
          const ms = await timeMs(async () => {
            w.step(pass);
            await sync();
          }, timing);
          rows.push({ ...p, strategy, pass, ms, gflops: gflops(p, pass, ms) });
        }
      } catch (e) {
        if (!absent.some((a) => a.strategy === strategy)) absent.push({ strategy, reason: `${label(p)}: ${reason(e)}` });
      } finally {
        w.dispose();
      }
    }
  }
  options.onProgress?.(done, done, 'done');
  return {
    backend: 'webgpu',
    command: options.command,
    quick: options.quick,
    runs: timing.runs,
    adapter: details,
    software: details.software === true,
    machine: {
      cpu: os.cpus()[0]?.model ?? 'unknown',
      cores: os.availableParallelism(),
      node: process.version,
      date: new Date().toISOString(),
      loadAverage: os.loadavg().map((l) => Number(l.toFixed(2))),
    },
    rows,
    absent,
  };
}
