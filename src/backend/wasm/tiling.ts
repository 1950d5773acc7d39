// How one block GEMM is cut into tasks, and the strides that make blockGemm compute each of the three
// block-linear products from the packed [G, O, I] weight (see assembly/gemm.ts).
import type { Activation, BlockShape, PatchShape } from '../backend.ts';
import { MAX_TASKS } from './control.ts';

/** One block GEMM call for all G blocks: pointers in bytes, strides in elements, per-block offsets in elements. */
export interface Gemm {
  G: number; M: number; N: number; K: number;
  a: number; aG: number; ars: number; acs: number;
  b: number; bG: number; brs: number; bcs: number;
  c: number; cG: number; crs: number;
  bias: number; biasG: number;
  /** Activation code of the epilogue (0 none, 1 ReLU, 2 GELU (erf), 3 GELU (tanh)) and the byte offset from c to where the pre-activation goes (0: nowhere). */
  act: number; zoff: number;
  /** Byte address of a window walk when A (or B, patchesAreB) is the patch matrix of the image at a (b); its strides unused. Else 0. */
  patches: number;
  patchesAreB?: boolean;
}

/** Tasks of MT × NT, each computed in k steps of KC and row chunks of MC (see blockGemm in assembly/gemm.ts). */
export interface Tiles {
  tilesM: number; tilesN: number; MT: number; NT: number; KC: number; MC: number;
}

/**
 * k per step where K is long: a packed group of 4 rows of A (16·KC bytes) and the [KC, 8] B panel (32·KC) stay in a 32 KiB
 * L1; with overlapsPanels' second panel, 40 KiB (the benchmark machine's L1 holds 48 KiB).
 */
const KC = 512;
/**
 * K up to this runs in one step: steps cost C's reloads and shorter streams. Measured against one step up to
 * K = 4096 and steps of 256 beyond: (2, 4096) forward+backward at B = 128 1.03–1.05x on 1 and 2 threads, (4, 1024)
 * and (8, 512) unchanged, grouped 3 × 3 convolutions of 128–512 channels forward+backward 1.00–1.02x.
 */
const ONE_STEP_K = 1024;
/**
 * Whether blockGemm packs the next B panel while the tiles read the current one: B's rows contiguous (dx's W, dW's
 * x) and spanning 256 KiB or more (K · brs elements, the test in assembly/gemm.ts). Its two [K, 8] panels share L1
 * with a group of A, so K over KC takes steps: dx at (4, 1024) on 2 threads against one panel packed between the
 * tiles, one step of 1024 0.975x, steps of 512 1.04x. Below the span the rows sit in L2 and overlapping read 0.97-1.03x.
 */
export const overlapsPanels = ({ K, brs, bcs, patches }: Gemm): boolean => bcs === 1 && patches === 0 && K * brs >= 2 ** 16;
const kStep = (g: Gemm): number => (g.K > (overlapsPanels(g) ? KC : ONE_STEP_K) ? KC : Math.max(g.K, 1));
/** Rows per chunk: every B panel passes over their packed A (512 KiB at most in steps of KC, an L2's worth), not over all of a task's rows. */
const MC = 256;

/**
 * Scratch bytes per thread for blockGemm: two [KC, 8] B panels, a row chunk of A packed in groups of 4 or 5 rows (the
 * last group padded: 4 rows at most), 16 bytes for a tile's last columns.
 */
export function scratchBytes(g: Gemm, { MT }: Tiles): number {
  const depth = kStep(g);
  return 64 * depth + 4 * (Math.min(MT, MC) + 4) * depth + 16;
}

const up = (v: number, m: number): number => Math.ceil(v / m) * m;
/** Multiply-adds of a GEMM. */
export const multiplyAdds = ({ G, M, N, K }: Gemm): number => G * M * N * K;

/** Tasks of G blocks of M × N in tiles of MT × NT. */
const taskCount = (G: number, M: number, N: number, MT: number, NT: number): number => G * Math.ceil(M / MT) * Math.ceil(N / NT);

/**
 * Multiply-adds a thread's share must hold per task for the full 8 tasks a thread: a smaller GEMM gets fewer,
 * larger tasks (2 a thread at least), since every task packs its own A rows and B panels. Against 8 tasks a thread
 * at any size, on 2 threads (median and quartiles of 15–21 rounds alternating the two builds, relaxed SIMD): digits
 * training step (GEMMs of 2²¹ multiply-adds, now 2 tasks a thread) at batch 128 1.10× (1.07–1.13), at batch 32
 * 1.28× (1.26–1.29); 32 rows predicted in-process 1.21×, 512 rows 0.99×; grouped 3 × 3 convolutions of 16–64
 * channels forward+backward 1.03–1.04×, of 128 channels 1.00×. 2²⁰ read 0.98× at 512 rows and small convolutions.
 */
const TASK_MACS = 2 ** 19;

/**
 * Splits each block into row and column tiles until there are about 8 tasks per thread (with 4, one late
 * start of a worker leaves a whole task of imbalance: (8, 512) scaled 1.5x on 2 threads instead of 1.9x), or
 * fewer for a GEMM under 8 · TASK_MACS a thread, halving the longer side: a task packs its own A rows (MT·K) and
 * B panels (NT·K), so square-ish tiles pack least.
 */
export function tile(g: Gemm, threads: number): Tiles {
  const { G, M, N, K } = g;
  let MT = up(M, 4), NT = up(N, 8);
  const tasksPerThread = Math.min(8, Math.max(2, Math.floor(multiplyAdds(g) / (threads * TASK_MACS))));
  while (threads > 1 && taskCount(G, M, N, MT, NT) < tasksPerThread * threads) {
    if (NT >= 16 && NT >= MT) NT = up(NT / 2, 8);
    else if (MT >= 8) MT = up(MT / 2, 4);
    else break;
  }
  while (taskCount(G, M, N, MT, NT) > MAX_TASKS && (MT < M || NT < N)) {
    MT *= 2;
    NT *= 2;
  }
  return { tilesM: Math.ceil(M / MT), tilesN: Math.ceil(N / NT), MT, NT, KC: kStep(g), MC };
}

const activationCodes: Record<Activation, number> = { none: 0, relu: 1, gelu: 2, gelu_tanh: 3 };

/** y = act(x·Wᵀ + b) per block (z = x·Wᵀ + b too when z is not 0): A = x_g [B, I], B(k=i, n=o) = W[g, o, i] (packed into panels). */
export function forward(x: number, w: number, bias: number, y: number, z: number, { B, G, I, O }: BlockShape, activation: Activation): Gemm {
  return {
    G, M: B, N: O, K: I,
    a: x, aG: I, ars: G * I, acs: 1,
    b: w, bG: O * I, brs: 1, bcs: I,
    c: y, cG: O, crs: G * O,
    bias, biasG: O, act: activationCodes[activation], zoff: z ? z - y : 0, patches: 0,
  };
}

/**
 * rows [N·OH·OW, G·O] = patches(x)·Wᵀ + b per block, the patches read straight from x [N, C, H, W] through the
 * walk at `walk`: block g's A starts at channel g·C/G (aG), the rest as `forward` with I = C/G·KH·KW.
 */
export function patchForward(x: number, w: number, bias: number, rows: number, walk: number, { C, H, W }: PatchShape, { B, G, I, O }: BlockShape): Gemm {
  return {
    G, M: B, N: O, K: I,
    a: x, aG: (C / G) * H * W, ars: 0, acs: 0,
    b: w, bG: O * I, brs: 1, bcs: I,
    c: rows, cG: O, crs: G * O,
    bias, biasG: O, act: 0, zoff: 0, patches: walk,
  };
}

/** dW = dyᵀ·patches(x) per block, the patches read straight from x through the walk at `walk` (as weightGrad, B = the patches of block g). */
export function patchWeightGrad(dy: number, x: number, dw: number, walk: number, { C, H, W }: PatchShape, { B, G, I, O }: BlockShape): Gemm {
  return {
    G, M: O, N: I, K: B,
    a: dy, aG: O, ars: 1, acs: G * O,
    b: x, bG: (C / G) * H * W, brs: 0, bcs: 0,
    c: dw, cG: O * I, crs: I,
    bias: 0, biasG: 0, act: 0, zoff: 0, patches: walk, patchesAreB: true,
  };
}

/** dx = dy·W per block: A = dy_g [B, O], B = W_g [O, I]. */
export function inputGrad(dy: number, w: number, dx: number, { B, G, I, O }: BlockShape): Gemm {
  return {
    G, M: B, N: I, K: O,
    a: dy, aG: O, ars: G * O, acs: 1,
    b: w, bG: O * I, brs: I, bcs: 1,
    c: dx, cG: I, crs: G * I,
    bias: 0, biasG: 0, act: 0, zoff: 0, patches: 0,
  };
}

/** dW = dyᵀ·x per block: A(o, b) = dy[b, g*O + o], B = x_g [B, I]. */
export function weightGrad(dy: number, x: number, dw: number, { B, G, I, O }: BlockShape): Gemm {
  return {
    G, M: O, N: I, K: B,
    a: dy, aG: O, ars: 1, acs: G * O,
    b: x, bG: I, brs: G * I, bcs: 1,
    c: dw, cG: O * I, crs: I,
    bias: 0, biasG: 0, act: 0, zoff: 0, patches: 0,
  };
}
