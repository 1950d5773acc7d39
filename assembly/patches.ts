// The implicit im2col: packs rows of the patch matrix straight from x into the GEMM's packed A layout
// ([K, 4] per group of 4 rows, as packA in gemm.ts), so a convolution never writes its patches to memory.
// Row m of the patch matrix is output pixel (n, oh, ow) = m as n·OH·OW + oh·OW + ow; column k is
// (c·KH + ky)·KW + kx of one group's Cg = K / (KH·KW) channels. The walk is the op table's WindowWalk,
// as for im2col in windows.ts (its C is every channel of x, for the sample stride).

import { storeTransposed } from './simd';

@inline function w(s: usize, k: i32): i32 { return load<i32>(s + (<usize>k << 2)); }

/** Output pixel p's sample in x (its address), first input row and first input column of its window. */
@inline function sampleOf(x: usize, s: usize, p: i32): usize { return x + <usize>(p / (w(s, 7) * w(s, 6))) * (<usize>(w(s, 1) * w(s, 2) * w(s, 3)) << 2); }
@inline function rowOf(s: usize, p: i32): i32 { return ((p / w(s, 7)) % w(s, 6)) * w(s, 8) - w(s, 10); }
@inline function colOf(s: usize, p: i32): i32 { return (p % w(s, 7)) * w(s, 9) - w(s, 11); }

/** x[n, c, ih, iw] of the group (sample: the address of its first channel in sample n), or 0 outside the input. */
@inline function tap(sample: usize, c: i32, H: i32, W: i32, ih: i32, iw: i32): f32 {
  return ih >= 0 && ih < H && iw >= 0 && iw < W ? load<f32>(sample + (<usize>((c * H + ih) * W + iw) << 2)) : 0;
}

/**
 * x[n, c, ih, iw + j] for j = 0..3 (sample: the group's first channel in sample n; x: the group's first
 * channel in sample 0), 0 outside the input: one 4-wide load, or lanes zeroed where the 4 columns cross an
 * edge (the load reads neighbouring values), or value by value where that load would leave the memory.
 */
@inline function lineTaps(x: usize, sample: usize, c: i32, H: i32, W: i32, ih: i32, iw: i32, memoryEnd: usize): v128 {
  if (ih < 0 || ih >= H) return f32x4.splat(0);
  const src = sample + (<usize>((c * H + ih) * W + iw) << 2);
  if (iw >= 0 && iw + 3 < W) return v128.load(src);
  if (src >= x && src + 16 <= memoryEnd) {
    const at = i32x4.add(i32x4.splat(iw), i32x4(0, 1, 2, 3));
    return v128.and(v128.load(src), v128.and(i32x4.ge_s(at, i32x4.splat(0)), i32x4.lt_s(at, i32x4.splat(W))));
  }
  return f32x4(tap(sample, c, H, W, ih, iw), tap(sample, c, H, W, ih, iw + 1), tap(sample, c, H, W, ih, iw + 2), tap(sample, c, H, W, ih, iw + 3));
}

/**
 * Packs patch rows [m0, m0 + rows) and columns [k0, k0 + kc) into dst in groups of 4 rows; a missing row of
 * the last group repeats the last row. Four pixels of one output line at stride 1 read 4 neighbouring values
 * per k: one 4-wide load, its lanes outside the input zeroed (most groups); others gather value by value.
 */
export function packPatches(x: usize, s: usize, m0: i32, rows: i32, k0: i32, kc: i32, dst: usize): void {
  const H = w(s, 2), W = w(s, 3), KH = w(s, 4), KW = w(s, 5), OW = w(s, 7), sW = w(s, 9), dH = w(s, 12), dW = w(s, 13);
  const taps = KH * KW, memoryEnd = <usize>memory.size() << 16;
  for (let m = 0; m < rows; m += 4) {
    const p0 = m0 + m, last = m0 + rows - 1;
    const h0 = rowOf(s, p0), w0 = colOf(s, p0), sample = sampleOf(x, s, p0);
    let c = k0 / taps, ky = (k0 % taps) / KW, kx = k0 % KW;
    if (m + 4 <= rows && p0 % OW + 3 < OW && sW == 1) {
      for (let k = 0; k < kc; k++) {
        v128.store(dst + (<usize>k << 4), lineTaps(x, sample, c, H, W, h0 + ky * dH, w0 + kx * dW, memoryEnd));
        if (++kx == KW) { kx = 0; if (++ky == KH) { ky = 0; c++; } }
      }
    } else {
      // each of the 4 rows' own pixel (the last row repeated past the end)
      const q1 = min(p0 + 1, last), q2 = min(p0 + 2, last), q3 = min(p0 + 3, last);
      const s1 = sampleOf(x, s, q1), s2 = sampleOf(x, s, q2), s3 = sampleOf(x, s, q3);
      const h1 = rowOf(s, q1), h2 = rowOf(s, q2), h3 = rowOf(s, q3), w1 = colOf(s, q1), w2 = colOf(s, q2), w3 = colOf(s, q3);
      for (let k = 0; k < kc; k++) {
        const d = dst + (<usize>k << 4), dy = ky * dH, dx = kx * dW;
        store<f32>(d, tap(sample, c, H, W, h0 + dy, w0 + dx));
        store<f32>(d, tap(s1, c, H, W, h1 + dy, w1 + dx), 4);
        store<f32>(d, tap(s2, c, H, W, h2 + dy, w2 + dx), 8);
        store<f32>(d, tap(s3, c, H, W, h3 + dy, w3 + dx), 12);
        if (++kx == KW) { kx = 0; if (++ky == KH) { ky = 0; c++; } }
      }
    }
    dst += <usize>kc << 4;
  }
}

/**
 * Packs patch columns [n0, n0 + cols) of rows [k0, k0 + kc) into dst as a [kc, width] panel (width 4 or 8,
 * columns past cols zero): the B operand of the weight gradient dW = dYᵀ·patches, as packB in gemm.ts packs a
 * matrix. Per 4 columns: each column's values for 4 pixels of a line (as lineTaps reads them), transposed 4 × 4.
 */
export function packPatchPanel(x: usize, s: usize, k0: i32, kc: i32, n0: i32, cols: i32, width: i32, dst: usize): void {
  const H = w(s, 2), W = w(s, 3), KH = w(s, 4), KW = w(s, 5), OW = w(s, 7), sW = w(s, 9), dH = w(s, 12), dW = w(s, 13);
  const taps = KH * KW, memoryEnd = <usize>memory.size() << 16, rowBytes = <usize>width << 2;
  const zero = f32x4.splat(0);
  for (let j0 = 0; j0 < width; j0 += 4) {
    // the 4 columns' channel and tap offsets (a column past cols reads nothing: its channel is -1)
    const i0 = n0 + j0, c0 = j0 < cols ? i0 / taps : -1, c1 = j0 + 1 < cols ? (i0 + 1) / taps : -1;
    const c2 = j0 + 2 < cols ? (i0 + 2) / taps : -1, c3 = j0 + 3 < cols ? (i0 + 3) / taps : -1;
    const y0 = ((i0 % taps) / KW) * dH, y1 = (((i0 + 1) % taps) / KW) * dH, y2 = (((i0 + 2) % taps) / KW) * dH, y3 = (((i0 + 3) % taps) / KW) * dH;
    const x0 = (i0 % KW) * dW, x1 = ((i0 + 1) % KW) * dW, x2 = ((i0 + 2) % KW) * dW, x3 = ((i0 + 3) % KW) * dW;
    for (let kk = 0; kk < kc; kk += 4) {
      const p0 = k0 + kk, h0 = rowOf(s, p0), w0 = colOf(s, p0), sample = sampleOf(x, s, p0);
      const d = dst + <usize>kk * rowBytes + (<usize>j0 << 2);
      if (kk + 4 <= kc && p0 % OW + 3 < OW && sW == 1) {
        const v0 = c0 < 0 ? zero : lineTaps(x, sample, c0, H, W, h0 + y0, w0 + x0, memoryEnd);
        const v1 = c1 < 0 ? zero : lineTaps(x, sample, c1, H, W, h0 + y1, w0 + x1, memoryEnd);
        const v2 = c2 < 0 ? zero : lineTaps(x, sample, c2, H, W, h0 + y2, w0 + x2, memoryEnd);
        const v3 = c3 < 0 ? zero : lineTaps(x, sample, c3, H, W, h0 + y3, w0 + x3, memoryEnd);
        storeTransposed(v0, v1, v2, v3, d, rowBytes);
        continue;
      }
      for (let q = 0; q < min(4, kc - kk); q++) {
        const p = p0 + q, qs = sampleOf(x, s, p), qh = rowOf(s, p), qw = colOf(s, p), at = d + <usize>q * rowBytes;
        store<f32>(at, c0 < 0 ? 0 : tap(qs, c0, H, W, qh + y0, qw + x0));
        store<f32>(at, c1 < 0 ? 0 : tap(qs, c1, H, W, qh + y1, qw + x1), 4);
        store<f32>(at, c2 < 0 ? 0 : tap(qs, c2, H, W, qh + y2, qw + x2), 8);
        store<f32>(at, c3 < 0 ? 0 : tap(qs, c3, H, W, qh + y3, qw + x3), 12);
      }
    }
  }
}
