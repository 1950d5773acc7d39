// How the wasm backend cuts one block GEMM into tasks (src/backend/wasm/tiling.ts): about 8 tasks a thread
// for a large GEMM, fewer (2 a thread at least) for a small one, one task a block on one thread, and tiles
// that cover every row and column. Results do not depend on it (every backend runs the same kernel suite on
// 1 to 3 threads); this pins the rule the benchmarks measured.
import { describe, expect, it } from 'vitest';
import type { BlockShape } from '../src/backend/backend.ts';
import { MAX_TASKS } from '../src/backend/wasm/control.ts';
import { forward, inputGrad, tile, weightGrad, type Gemm } from '../src/backend/wasm/tiling.ts';

const tasks = (g: Gemm, threads: number): number => {
  const t = tile(g, threads);
  return g.G * t.tilesM * t.tilesN;
};
const shape = (B: number, G: number, I: number, O: number): BlockShape => ({ B, G, I, O, precision: 'f32' });
const gemms = (s: BlockShape): Gemm[] => [forward(0, 0, 0, 0, 0, s, 'none'), inputGrad(0, 0, 0, s), weightGrad(0, 0, 0, s)];

describe('wasm GEMM tiling', () => {
  it('gives a large GEMM about 8 tasks a thread', () => {
    for (const g of gemms(shape(128, 4, 1024, 1024))) {
      expect(tasks(g, 2)).toBe(16);
      expect(tasks(g, 4)).toBe(32);
    }
  });

  it('gives a GEMM under 8 · 2^19 multiply-adds a thread fewer, larger tasks, 2 a thread at least', () => {
    // the digits model's first layer: 2^21 multiply-adds in each of its GEMMs
    for (const g of gemms(shape(128, 1, 64, 256))) expect(tasks(g, 2)).toBe(4);
    // 2^23: the full 8 a thread on 2 threads, 4 a thread on 4
    for (const g of gemms(shape(512, 1, 64, 256))) {
      expect(tasks(g, 2)).toBe(16);
      expect(tasks(g, 4)).toBe(16);
    }
  });

  it('keeps one task a block on one thread', () => {
    for (const s of [shape(128, 4, 1024, 1024), shape(3, 5, 7, 9), shape(128, 1, 64, 256)]) {
      for (const g of gemms(s)) expect(tasks(g, 1)).toBe(s.G);
    }
  });

  it('covers every row and column with tiles of whole 4 × 8 register tiles, on odd shapes too', () => {
    for (const s of [shape(1, 1, 1, 1), shape(7, 3, 13, 11), shape(130, 2, 33, 1000), shape(128, 16, 64, 64)]) {
      for (const g of gemms(s)) {
        for (const threads of [1, 2, 3, 8]) {
          const t = tile(g, threads);
          expect(t.MT % 4, `MT ${t.MT}`).toBe(0);
          expect(t.NT % 8, `NT ${t.NT}`).toBe(0);
          expect(t.tilesM).toBe(Math.ceil(g.M / t.MT));
          expect(t.tilesN).toBe(Math.ceil(g.N / t.NT));
          expect((t.tilesM - 1) * t.MT).toBeLessThan(g.M); // no empty tile
          expect((t.tilesN - 1) * t.NT).toBeLessThan(g.N);
          expect(g.G * t.tilesM * t.tilesN).toBeLessThanOrEqual(MAX_TASKS);
        }
      }
    }
  });
});
