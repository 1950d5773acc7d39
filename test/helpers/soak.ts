// The soak loop shared by test/soak.test.ts and test/long-soak.ts: trains the seeded PackedMLP of
// training-run.ts on the current backend and samples, after every step, what must stay constant once
// warmed up: live tensors, allocator bytes, and the backend's own pool (wasm memory size, GPU buffers).
import * as bg from '../../src/index.ts';
import { disposeRun, trainingRun } from './training-run.ts';

export interface SoakSample {
  step: number;
  tensors: number;
  bytes: number;
  /** wasm: memory bytes; webgpu: GPU buffers created; js: 0. */
  pool: number;
}

export interface SoakReport {
  steps: number;
  warmup: number;
  /** The figures right after warm-up, which every later step must repeat. */
  steady: SoakSample;
  /** Steps whose figures differ from `steady`. */
  drift: SoakSample[];
  /** Loss on the first batch before and after training (it must have gone down). */
  loss: [number, number];
}

function poolSize(): number {
  const d = bg.backendInfo().details;
  return Number(d.memoryBytes ?? d.gpuBuffers ?? 0);
}

export async function soak(steps: number, warmup: number, onStep?: (s: SoakSample) => void): Promise<SoakReport> {
  const run = trainingRun(11);
  const lossOnFirst = async () => {
    const loss = bg.noGrad(() => run.lossOf(0));
    const v = await loss.item();
    loss.dispose();
    return v;
  };
  const before = await lossOnFirst();
  let steady: SoakSample | null = null;
  const drift: SoakSample[] = [];
  for (let i = 0; i < steps; i++) {
    run.step(i);
    if (i % 50 === 49) await bg.flush(); // let the GPU queue drain as a real loop's readbacks would
    const { tensors, bytes } = bg.memory();
    const sample = { step: i + 1, tensors, bytes, pool: poolSize() };
    onStep?.(sample);
    if (i + 1 === warmup) steady = sample;
    else if (steady && (sample.tensors !== steady.tensors || sample.bytes !== steady.bytes || sample.pool !== steady.pool)) drift.push(sample);
  }
  const after = await lossOnFirst();
  disposeRun(run);
  return { steps, warmup, steady: steady!, drift, loss: [before, after] };
}
