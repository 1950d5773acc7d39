// Runs bench/conv-peer-child.ts for one peer measurement of the packed ResNet-18, within a time limit.
import { fileURLToPath } from 'node:url';
import type { ConvModel } from './conv-model.ts';
import { runJsonChild } from './ort.ts';
import type { Timing, TimingOptions } from './timing.ts';

export interface ConvPeerJob {
  library: 'jax-js' | 'tfjs';
  /** tfjs is measured training only (its conv2d has no groups: the step is a loop over groups). */
  pass: 'forward' | 'training';
  model: ConvModel;
  timing: TimingOptions;
}

export interface ConvPeerReport {
  backend: string;
  threads: number;
  ms: Timing;
}

const child = fileURLToPath(new URL('../conv-peer-child.ts', import.meta.url));

/** Resolves with the child's timing; rejects with its error, or when it has not finished after limitMs. */
export function runConvPeer(job: ConvPeerJob, limitMs: number): Promise<ConvPeerReport> {
  return runJsonChild(child, job, `${job.library} child`, limitMs);
}
