// A streaming kernel through the engine's current backend: y = 1.0001·x over 64 MiB of f32 (far beyond
// the caches), bytes moved = read x + write y. The fastest run is kept (a shared machine only slows it).
import * as bg from '../../src/index.ts';
import { timeRuns, type TimingOptions } from './timing.ts';

const ELEMENTS = 1 << 24;

/** Measured memory bandwidth in GB/s (1e9 bytes per second). */
export async function measureBandwidth(timing: TimingOptions): Promise<number> {
  const x = bg.zeros([ELEMENTS]);
  try {
    const ms = (await timeRuns(() => bg.tidy(() => void bg.noGrad(() => bg.mul(x, 1.0001))), timing)).fastest;
    return (2 * 4 * ELEMENTS) / (ms * 1e6);
  } finally {
    x.dispose();
  }
}

/** Bytes a block-diagonal forward must move at least once: x, the packed weight and y, in f32. */
export function forwardBytes(p: { B: number; M: number; F: number }): number {
  return 4 * (2 * p.B * p.M * p.F + p.M * p.F * p.F);
}
