// Reference loops for the window kernels (patch extraction, pooling) and their adjoints. The adjoints
// scatter (the obvious transpose of the forward loop); the parallel backends gather instead.
import type { PatchShape, PoolShape } from '../backend.ts';

/**
 * Calls fn(col, at) for every entry of the patch matrix cols [N·OH·OW, C·KH·KW], in order: `at` is the index in
 * x [N, C, H, W] it reads, or -1 where the window lies in the zero padding.
 */
function forEachPatchEntry(s: PatchShape, fn: (col: number, at: number) => void): void {
  let col = 0;
  for (let n = 0; n < s.N; n++) {
    for (let oh = 0; oh < s.OH; oh++) {
      for (let ow = 0; ow < s.OW; ow++) {
        for (let c = 0; c < s.C; c++) {
          const plane = (n * s.C + c) * s.H * s.W;
          for (let ky = 0; ky < s.KH; ky++) {
            const ih = oh * s.strideH - s.padH + ky * s.dilationH;
            for (let kx = 0; kx < s.KW; kx++) {
              const iw = ow * s.strideW - s.padW + kx * s.dilationW;
              fn(col++, ih >= 0 && ih < s.H && iw >= 0 && iw < s.W ? plane + ih * s.W + iw : -1);
            }
          }
        }
      }
    }
  }
}

/** x [N, C, H, W] -> cols [N·OH·OW, C·KH·KW], zeros outside the input. */
export function im2col(x: Float32Array, cols: Float32Array, s: PatchShape): void {
  forEachPatchEntry(s, (col, at) => {
    cols[col] = at >= 0 ? x[at] : 0;
  });
}

/** dx = im2colᵀ(cols): every cols entry added back to the input element it was read from. */
export function col2im(cols: Float32Array, dx: Float32Array, s: PatchShape): void {
  dx.fill(0);
  forEachPatchEntry(s, (col, at) => {
    if (at >= 0) dx[at] += cols[col];
  });
}

/** One axis of a pooling window: the first position, how many taps, their spacing, and the padded extent (avg divisor). */
interface Span {
  start: number;
  count: number;
  step: number;
  padded: number;
}

function span(o: number, size: number, outSize: number, k: number, stride: number, pad: number, dilation: number, adaptive: boolean): Span {
  if (adaptive) {
    const start = Math.floor((o * size) / outSize), end = Math.ceil(((o + 1) * size) / outSize);
    return { start, count: end - start, step: 1, padded: end - start };
  }
  const start = o * stride - pad;
  return { start, count: k, step: dilation, padded: Math.min(start + k, size + pad) - start };
}

/** Calls fn(at, divisor) for every output of a pooling walk, with the in-plane taps of its window. */
function forEachWindow(s: PoolShape, fn: (plane: number, out: number, taps: number[], padded: number) => void): void {
  for (let p = 0; p < s.N * s.C; p++) {
    for (let oh = 0; oh < s.OH; oh++) {
      const hs = span(oh, s.H, s.OH, s.KH, s.strideH, s.padH, s.dilationH, s.adaptive);
      for (let ow = 0; ow < s.OW; ow++) {
        const ws = span(ow, s.W, s.OW, s.KW, s.strideW, s.padW, s.dilationW, s.adaptive);
        const taps: number[] = [];
        for (let a = 0; a < hs.count; a++) {
          const ih = hs.start + a * hs.step;
          if (ih < 0 || ih >= s.H) continue;
          for (let b = 0; b < ws.count; b++) {
            const iw = ws.start + b * ws.step;
            if (iw >= 0 && iw < s.W) taps.push(ih * s.W + iw);
          }
        }
        fn(p, (p * s.OH + oh) * s.OW + ow, taps, hs.padded * ws.padded);
      }
    }
  }
}

export function maxPool2d(x: Float32Array, out: Float32Array, argmax: Int32Array, s: PoolShape): void {
  forEachWindow(s, (plane, at, taps) => {
    const base = plane * s.H * s.W;
    let best = -Infinity, index = taps[0] ?? -1;
    for (const t of taps) {
      const v = x[base + t];
      if (v > best || v !== v) {
        best = v;
        index = t;
        if (v !== v) break; // NaN wins, as in PyTorch
      }
    }
    out[at] = best;
    argmax[at] = index;
  });
}

export function maxPool2dGrad(dy: Float32Array, argmax: Int32Array, dx: Float32Array, s: PoolShape): void {
  dx.fill(0);
  const planeSize = s.H * s.W;
  for (let at = 0; at < dy.length; at++) {
    const plane = Math.floor(at / (s.OH * s.OW));
    if (argmax[at] >= 0) dx[plane * planeSize + argmax[at]] += dy[at];
  }
}

export function avgPool2d(x: Float32Array, out: Float32Array, s: PoolShape): void {
  forEachWindow(s, (plane, at, taps, padded) => {
    const base = plane * s.H * s.W;
    let acc = 0;
    for (const t of taps) acc += x[base + t];
    out[at] = acc / divisor(s, taps.length, padded);
  });
}

export function avgPool2dGrad(dy: Float32Array, dx: Float32Array, s: PoolShape): void {
  dx.fill(0);
  forEachWindow(s, (plane, at, taps, padded) => {
    const base = plane * s.H * s.W, share = dy[at] / divisor(s, taps.length, padded);
    for (const t of taps) dx[base + t] += share;
  });
}

function divisor(s: PoolShape, valid: number, padded: number): number {
  return s.countIncludePad && !s.adaptive ? padded : valid;
}
