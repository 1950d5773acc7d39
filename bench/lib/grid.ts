// The benchmark grid (B = 128, square blocks I = O = F, from many small blocks to a few large ones) and
// its useful-FLOP counts.
import type { Pass, Point } from './types.ts';

export const B = 128;

const full: [number, number][] = [[16, 64], [4, 256], [16, 256], [8, 512], [4, 1024], [2, 4096]];
const quick: [number, number][] = [[16, 64], [4, 256]];

export function gridPoints(isQuick: boolean): Point[] {
  return (isQuick ? quick : full).map(([M, F]) => ({ M, F, B }));
}

/** The WebGPU grid: its quick subset is one point (a software adapter runs the dense strategies at ~0.02 GFLOP/s). */
export function webgpuGridPoints(isQuick: boolean): Point[] {
  return gridPoints(isQuick).slice(0, isQuick ? 1 : undefined);
}

/** Useful FLOPs only: forward 2·B·M·F², forward+backward three times that. */
export function usefulFlops(p: Point, pass: Pass): number {
  const forward = 2 * p.B * p.M * p.F * p.F;
  return pass === 'forward' ? forward : 3 * forward;
}

export function gflops(p: Point, pass: Pass, ms: number): number {
  return usefulFlops(p, pass) / (ms * 1e6);
}

export const label = (p: Point): string => `(${p.M}, ${p.F})`;
