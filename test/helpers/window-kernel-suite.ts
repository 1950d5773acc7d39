// The window kernels (im2col/col2im, max and average pooling and their adjoints) of one backend against the
// reference, on walks with odd sizes, channel counts that are not multiples of 4, strides larger than the
// kernel, dilation, padding, ceil-mode edges and adaptive windows; one walk large enough to be split over threads.
import { describe, expect, it } from 'vitest';
import type { Backend, BlockShape, PatchShape, PoolShape, Storage } from '../../src/backend/backend.ts';
import { JsBackend } from '../../src/backend/js/js-backend.ts';
import { outputLength } from '../../src/ops/conv.ts';
import { Rng } from '../../src/random.ts';

type Walk = [N: number, C: number, H: number, W: number, KH: number, KW: number, s: [number, number], p: [number, number], d: [number, number], ceil?: boolean];

function walk([N, C, H, W, KH, KW, s, p, d, ceil = false]: Walk): PatchShape {
  const OH = outputLength(H, KH, s[0], p[0], d[0], ceil), OW = outputLength(W, KW, s[1], p[1], d[1], ceil);
  return { N, C, H, W, KH, KW, OH, OW, strideH: s[0], strideW: s[1], padH: p[0], padW: p[1], dilationH: d[0], dilationW: d[1] };
}

export const patchWalks: Walk[] = [
  [1, 1, 1, 1, 1, 1, [1, 1], [0, 0], [1, 1]],
  [2, 3, 7, 5, 3, 3, [1, 1], [1, 1], [1, 1]],
  [3, 5, 9, 11, 2, 3, [3, 4], [1, 0], [2, 1]],
  [1, 7, 8, 7, 3, 3, [2, 2], [2, 2], [2, 2]],
  [2, 6, 1, 13, 1, 5, [1, 2], [0, 2], [1, 1]], // conv1d
  [4, 9, 33, 31, 3, 3, [1, 1], [1, 1], [1, 1]], // split over threads
];

/** Walks with groups for patchLinear: wide lines (its 4-wide reads over both edges), dilation, strides, lines not a multiple of 4. */
const patchLinearWalks: [Walk, number][] = [
  ...patchWalks.map((w): [Walk, number] => [w, 1]),
  [[2, 6, 9, 13, 3, 3, [1, 1], [1, 1], [1, 1]], 3],
  [[1, 8, 12, 16, 3, 3, [1, 1], [2, 2], [2, 2]], 4],
  [[3, 4, 6, 11, 5, 2, [1, 1], [2, 0], [1, 3]], 2],
  [[2, 12, 10, 10, 1, 1, [2, 2], [0, 0], [1, 1]], 2],
  [[1, 4, 4, 4, 3, 3, [1, 1], [1, 1], [1, 1]], 4],
];

const poolWalks: [Walk, Partial<PoolShape>][] = [
  [[2, 3, 7, 9, 3, 3, [2, 2], [1, 1], [1, 1]], {}],
  [[1, 5, 11, 8, 2, 3, [3, 2], [0, 0], [2, 1], true], {}],
  [[2, 3, 7, 6, 3, 3, [2, 2], [1, 1], [1, 1], true], { countIncludePad: true }],
  [[1, 5, 8, 7, 3, 2, [2, 3], [1, 1], [1, 1], true], { countIncludePad: false }],
  [[3, 6, 64, 63, 2, 2, [2, 2], [0, 0], [1, 1]], {}], // split over threads
];

/** Adaptive windows: [N, C, H, W] -> [OH, OW]. */
const adaptiveWalks: [number, number, number, number, number, number][] = [
  [2, 3, 7, 5, 3, 2],
  [2, 5, 3, 3, 1, 1],
  [1, 2, 4, 9, 4, 4],
  [3, 7, 64, 65, 7, 5],
];

function adaptive([N, C, H, W, OH, OW]: (typeof adaptiveWalks)[number]): PoolShape {
  return { N, C, H, W, OH, OW, KH: 1, KW: 1, strideH: 1, strideW: 1, padH: 0, padW: 0, dilationH: 1, dilationW: 1, adaptive: true, countIncludePad: false };
}

/** `patchLinear`: the backend offers the optional patchLinear kernel, tested against the reference's im2col and blockLinear. */
export function windowKernelSuite(label: string, make: () => Promise<Backend>, { tol = 2e-5, patchLinear = false } = {}): void {
  describe(`window kernels on ${label}`, () => {
    const ref = new JsBackend();
    const rng = new Rng(4321);
    const data = (n: number) => Float32Array.from({ length: n }, () => rng.normal());

    /**
     * Runs fn on both backends over the same inputs (on the backend only, against `expected`, when given);
     * outputs start as garbage the kernel must overwrite.
     */
    async function compare(inputs: (Float32Array | Int32Array)[], outs: [number, 'f32' | 'i32'][], fn: (b: Backend, ins: Storage[], outs: Storage[]) => void, what: string, expected?: Float32Array): Promise<void> {
      const results: (Float32Array | Int32Array)[][] = expected ? [[expected]] : [];
      for (const b of expected ? [await make()] : [ref, await make()]) {
        const ins = inputs.map((d) => {
          const s = b.alloc(d.length, d instanceof Int32Array ? 'i32' : 'f32');
          b.upload(s, d);
          return s;
        });
        const os = outs.map(([n, dtype]) => {
          const s = b.alloc(n, dtype);
          b.upload(s, dtype === 'i32' ? new Int32Array(n).fill(-7) : new Float32Array(n).fill(7));
          return s;
        });
        fn(b, ins, os);
        results.push(await Promise.all(os.map((s) => b.download(s))));
        [...ins, ...os].forEach((s) => b.free(s));
      }
      const [want, got] = results;
      want.forEach((w, k) => {
        expect(got[k].length).toBe(w.length);
        for (let i = 0; i < w.length; i++) {
          if (got[k][i] === w[i] || (Number.isNaN(got[k][i]) && Number.isNaN(w[i]))) continue;
          if (!(Math.abs(got[k][i] - w[i]) <= tol * (1 + Math.abs(w[i])))) throw new Error(`${what} output ${k}[${i}]: got ${got[k][i]}, want ${w[i]}`);
        }
      });
    }

    it.each(patchWalks)('im2col and col2im, walk %#', async (...args) => {
      const s = walk(args as unknown as Walk);
      const xSize = s.N * s.C * s.H * s.W, colSize = s.N * s.OH * s.OW * s.C * s.KH * s.KW;
      await compare([data(xSize)], [[colSize, 'f32']], (b, [x], [cols]) => b.im2col(x, cols, s), 'im2col');
      await compare([data(colSize)], [[xSize, 'f32']], (b, [cols], [dx]) => b.col2im(cols, dx, s), 'col2im');
    });

    it.each(patchLinear ? patchLinearWalks : [])('patchLinear and patchLinearWeightGrad against im2col and the block GEMMs, walk %#, groups %i', async (w, G) => {
      const b = await make();
      expect(b.patchLinear).toBeTypeOf('function');
      expect(b.patchLinearWeightGrad).toBeTypeOf('function');
      const s = walk(w);
      const I = (s.C / G) * s.KH * s.KW, O = 3, B = s.N * s.OH * s.OW;
      const x = data(s.N * s.C * s.H * s.W);
      // NaN and ∞ in the last column: inside some windows (their outputs are NaN), beside others, which a 4-wide read reaches
      for (let r = 0; r < x.length / s.W; r += 3) x[r * s.W + s.W - 1] = r % 2 ? NaN : Infinity;
      const block = { B, G, I, O };
      const want = refPatchGemms(ref, x, data(G * O * I), data(G * O), data(B * G * O), s, block);
      await compare([x, want.w, want.bias], [[B * G * O, 'f32']], (be, [xs, ws, bs], [out]) => be.patchLinear!(xs, ws, bs, out, s, block), 'patchLinear', want.y);
      await compare([want.dy, x], [[G * O * I, 'f32']], (be, [dys, xs], [dw]) => be.patchLinearWeightGrad!(dys, xs, dw, s, block), 'patchLinearWeightGrad', want.dw);
    });

    it.each(poolWalks)('maxPool2d, avgPool2d and their adjoints, walk %#', async (w, extra) => {
      const s: PoolShape = { ...walk(w), adaptive: false, countIncludePad: true, ...extra };
      const xSize = s.N * s.C * s.H * s.W, outSize = s.N * s.C * s.OH * s.OW;
      const x = data(xSize);
      x[3] = NaN; // NaN wins its windows
      x[5] = -Infinity;
      await compare([x], [[outSize, 'f32'], [outSize, 'i32']], (b, [xs], [out, arg]) => b.maxPool2d(xs, out, arg, s), 'maxPool2d');
      await compare([data(outSize), refArgmax(ref, x, s)], [[xSize, 'f32']], (b, [dy, arg], [dx]) => b.maxPool2dGrad(dy, arg, dx, s), 'maxPool2dGrad');
      const [N, C, H, W, KH, KW, stride, pad, , ceil] = w;
      const avg: PoolShape = { ...walk([N, C, H, W, KH, KW, stride, pad, [1, 1], ceil]), adaptive: false, countIncludePad: true, ...extra }; // no dilation in average pooling
      const avgOut = avg.N * avg.C * avg.OH * avg.OW;
      await compare([data(xSize)], [[avgOut, 'f32']], (b, [xs], [out]) => b.avgPool2d(xs, out, avg), 'avgPool2d');
      await compare([data(avgOut)], [[xSize, 'f32']], (b, [dy], [dx]) => b.avgPool2dGrad(dy, dx, avg), 'avgPool2dGrad');
    });

    it.each(adaptiveWalks)('adaptive average pooling and its adjoint, [%i, %i, %i, %i] -> [%i, %i]', async (...args) => {
      const s = adaptive(args);
      const xSize = s.N * s.C * s.H * s.W, outSize = s.N * s.C * s.OH * s.OW;
      await compare([data(xSize)], [[outSize, 'f32']], (b, [xs], [out]) => b.avgPool2d(xs, out, s), 'adaptive avgPool2d');
      await compare([data(outSize)], [[xSize, 'f32']], (b, [dy], [dx]) => b.avgPool2dGrad(dy, dx, s), 'adaptive avgPool2dGrad');
    });
  });
}

function upload(b: Backend, d: Float32Array | Int32Array): Storage {
  const s = b.alloc(d.length, d instanceof Int32Array ? 'i32' : 'f32');
  b.upload(s, d);
  return s;
}

/** The reference's blockLinear and blockLinearWeightGrad over its im2col of x, for the given weight, bias and dy (returned with y and dW). */
function refPatchGemms(ref: JsBackend, x: Float32Array, w: Float32Array, bias: Float32Array, dy: Float32Array, s: PatchShape, block: BlockShape) {
  const [xs, ws, bs, dys] = [upload(ref, x), upload(ref, w), upload(ref, bias), upload(ref, dy)];
  const cols = ref.alloc(block.B * s.C * s.KH * s.KW, 'f32'), y = ref.alloc(block.B * block.G * block.O, 'f32'), dw = ref.alloc(w.length, 'f32');
  ref.im2col(xs, cols, s);
  ref.blockLinear(cols, ws, bs, y, block, 'none');
  ref.blockLinearWeightGrad(dys, cols, dw, block);
  const out = { w, bias, dy, y: ref.downloadSync(y) as Float32Array, dw: ref.downloadSync(dw) as Float32Array };
  [xs, ws, bs, dys, cols, y, dw].forEach((t) => ref.free(t));
  return out;
}

/** The reference's argmax of x for walk s (what the adjoint consumes). */
function refArgmax(ref: JsBackend, x: Float32Array, s: PoolShape): Int32Array {
  const n = s.N * s.C * s.OH * s.OW;
  const [xs, out, arg] = [upload(ref, x), upload(ref, new Float32Array(n)), upload(ref, new Int32Array(n))];
  ref.maxPool2d(xs, out, arg, s);
  return ref.downloadSync(arg) as Int32Array;
}
