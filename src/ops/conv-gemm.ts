// conv2d's kernels: patch extraction and one block GEMM per group, in chunks of samples whose patches fit a
// budget. The patches are never kept: backward extracts them again, so a network's graph holds its activations
// (as PyTorch's does), not KH·KW times them.
import type { Backend, BlockShape, PatchShape, Storage } from '../backend/backend.ts';

/** Floats of patches (and of their gradient) one chunk may hold: 64 MiB. */
const PATCH_BUDGET = 1 << 24;

export interface ConvGemm {
  backend: Backend;
  shape: PatchShape;
  groups: number;
  outChannels: number;
  /** Floats of patches per chunk (default PATCH_BUDGET; tests use small ones to split small batches). */
  budget?: number;
}

interface Chunk {
  n0: number;
  /** The chunk's walk: `shape` with N = its sample count. */
  walk: PatchShape;
  block: BlockShape;
}

/** The GEMM shape of n samples' patches. */
function blockOf({ shape, groups, outChannels }: ConvGemm, n: number): BlockShape {
  return { B: n * shape.OH * shape.OW, G: groups, I: (shape.C / groups) * shape.KH * shape.KW, O: outChannels / groups };
}

/** Samples per chunk, and the chunks in order. */
function chunks(g: ConvGemm): Chunk[] {
  const { shape, budget = PATCH_BUDGET } = g;
  const { N, C, KH, KW, OH, OW } = shape;
  const perSample = OH * OW * C * KH * KW;
  const size = Math.max(1, Math.min(N, Math.floor(budget / perSample)));
  const out: Chunk[] = [];
  for (let n0 = 0; n0 < N; n0 += size) {
    const n = Math.min(size, N - n0);
    out.push({ n0, walk: { ...shape, N: n }, block: blockOf(g, n) });
  }
  return out;
}

/** Runs fn with temporary storages of the given sizes (null for 0: not needed), freed afterwards, also when fn throws. */
function withTemps(backend: Backend, sizes: number[], fn: (temps: (Storage | null)[]) => void): void {
  const temps: (Storage | null)[] = [];
  try {
    for (const n of sizes) temps.push(n > 0 ? backend.alloc(n, 'f32') : null);
    fn(temps);
  } finally {
    for (const t of temps) if (t) backend.free(t);
  }
}

/** The chunk's samples of an NCHW storage: the storage itself when the chunk is the whole batch, else a copy in `into`. */
function samples(backend: Backend, src: Storage, perSample: number, c: Chunk, total: number, into: Storage | null): Storage {
  if (c.walk.N === total || !into) return src;
  backend.copyStrided(src, into, [c.walk.N * perSample], [1], c.n0 * perSample, [1], 0);
  return into;
}


/** dy[n0 + …, C_out, OH·OW] -> rows [n·OH·OW, C_out] (NHWC). */
function nchwToRows(g: ConvGemm, dy: Storage, rows: Storage, n0: number, n: number): void {
  const { outChannels } = g, pixels = g.shape.OH * g.shape.OW;
  g.backend.copyStrided(dy, rows, [n, pixels, outChannels], [outChannels * pixels, 1, pixels], n0 * outChannels * pixels, [pixels * outChannels, outChannels, 1], 0);
}

/** rows [n, OH·OW, C_out] (NHWC) -> y[n0 + …, C_out, OH·OW]. */
function rowsToNCHW(g: ConvGemm, rows: Storage, y: Storage, n0: number, n: number): void {
  const { outChannels } = g, pixels = g.shape.OH * g.shape.OW;
  g.backend.copyStrided(rows, y, [n, outChannels, pixels], [pixels * outChannels, 1, outChannels], 0, [outChannels * pixels, pixels, 1], n0 * outChannels * pixels);
}

/** y [N, C_out, OH, OW] = the grouped convolution of x with the packed weight (and bias). */
export function convForward(g: ConvGemm, x: Storage, weight: Storage, bias: Storage | null, y: Storage): void {
  const { backend, shape, outChannels } = g;
  const { N, C, H, W } = shape;
  if (backend.patchLinear) {
    // the backend reads the patches in place: no chunks, no patch storage
    const block = blockOf(g, N);
    withTemps(backend, [block.B * outChannels], ([rows]) => {
      backend.patchLinear!(x, weight, bias, rows!, shape, block);
      rowsToNCHW(g, rows!, y, 0, N);
    });
    return;
  }
  for (const c of chunks(g)) {
    const n = c.walk.N;
    const xSize = n < N ? n * C * H * W : 0;
    withTemps(backend, [xSize, c.block.B * C * shape.KH * shape.KW, c.block.B * outChannels], ([xTemp, cols, rows]) => {
      backend.im2col(samples(backend, x, C * H * W, c, N, xTemp), cols!, c.walk);
      backend.blockLinear(cols!, weight, bias, rows!, c.block, 'none');
      rowsToNCHW(g, rows!, y, c.n0, n);
    });
  }
}

/** The GEMM gradients of convForward: dx and dW (each or null) from dy [N, C_out, OH, OW], overwritten; db is Σ dy (the op's). */
export function convBackward(g: ConvGemm, dy: Storage, x: Storage, weight: Storage, dx: Storage | null, dw: Storage | null): void {
  const { backend, shape, outChannels } = g;
  const { N, C, H, W, KH, KW } = shape;
  if (dw && backend.patchLinearWeightGrad) {
    // the backend reads the patches in place: dW over the whole batch, no patch storage
    const block = blockOf(g, N);
    withTemps(backend, [block.B * outChannels], ([rows]) => {
      nchwToRows(g, dy, rows!, 0, N);
      backend.patchLinearWeightGrad!(rows!, x, dw, shape, block);
    });
  }
  const dwByChunks = backend.patchLinearWeightGrad ? null : dw;
  if (!dx && !dwByChunks) return;
  const list = chunks(g);
  const accumulate = list.length > 1 && dwByChunks;
  for (const c of list) {
    const n = c.walk.N, colSize = c.block.B * C * KH * KW;
    const first = c.n0 === 0;
    const sizes = [c.block.B * outChannels, colSize, n < N ? n * C * H * W : 0, accumulate && !first ? accumulate.size : 0];
    withTemps(backend, sizes, ([rowsTemp, colsTemp, temp, dwPart]) => {
      const rows = rowsTemp!, cols = colsTemp!;
      nchwToRows(g, dy, rows, c.n0, n);
      if (dwByChunks) {
        backend.im2col(samples(backend, x, C * H * W, c, N, temp), cols, c.walk);
        backend.blockLinearWeightGrad(rows, cols, dwPart ?? dwByChunks, c.block);
        if (dwPart) backend.binary('add', dwByChunks, dwPart, dwByChunks, [dwByChunks.size], [1], [1]);
      }
      if (dx) {
        backend.blockLinearInputGrad(rows, weight, cols, c.block);
        if (!temp) backend.col2im(cols, dx, c.walk);
        else {
          backend.col2im(cols, temp, c.walk);
          backend.copyStrided(temp, dx, [n * C * H * W], [1], 0, [1], c.n0 * C * H * W);
        }
      }
    });
  }
}
