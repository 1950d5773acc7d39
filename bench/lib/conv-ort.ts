// Runs bench/ort-conv-child.ts in a child process for one thread count and reads its timings.
import { fileURLToPath } from 'node:url';
import { runJsonChild } from './ort.ts';
import type { Timing, TimingOptions } from './timing.ts';

export interface OrtConvJob {
  threads: number;
  /** An ONNX file with input `input` [batch, channels, size, size]. */
  modelPath: string;
  channels: number;
  size: number;
  batches: number[];
  timing: TimingOptions;
}

export interface OrtConvReport {
  /** The thread count onnxruntime-web ran with (it falls back to 1 where threads are unavailable). */
  threads: number;
  version: string;
  /** Forward timings per batch size, in the job's order. */
  ms: Timing[];
}

const child = fileURLToPath(new URL('../ort-conv-child.ts', import.meta.url));

/** Resolves with the child's report, or rejects with its error output. */
export function runOrtConv(job: OrtConvJob): Promise<OrtConvReport> {
  return runJsonChild(child, job, 'onnxruntime-web child');
}
