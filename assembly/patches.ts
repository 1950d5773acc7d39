// The implicit im2col: packs rows of the patch matrix straight from x into the GEMM's packed A layout
// ([K, 4] per group of 4 rows, as packA in gemm.ts), so a convolution never writes its patches to memory.
// Row m of the patch matrix is output pixel (n, oh, ow) = m as n·OH·OW + oh·OW + ow; column k is
// (c·KH + ky)·KW + kx of one group's Cg = K / (KH·KW) channels. The walk is the op table's WindowWalk,
// as for im2col in windows.ts (its C is every channel of x, for the sample stride).

@inline function w(s: usize, k: i32): i32 { return load<i32>(s + (<usize>k << 2)); }

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
  const C = w(s, 1), H = w(s, 2), W = w(s, 3), KH = w(s, 4), KW = w(s, 5), OH = w(s, 6), OW = w(s, 7);
  const sH = w(s, 8), sW = w(s, 9), pH = w(s, 10), pW = w(s, 11), dH = w(s, 12), dW = w(s, 13);
  const taps = KH * KW, sampleBytes = <usize>(C * H * W) << 2, memoryEnd = <usize>memory.size() << 16;
  for (let m = 0; m < rows; m += 4) {
    const p0 = m0 + m, last = m0 + rows - 1;
    const ow = p0 % OW, oh = (p0 / OW) % OH, n = p0 / (OW * OH);
    const h0 = oh * sH - pH, w0 = ow * sW - pW, sample = x + <usize>n * sampleBytes;
    let c = k0 / taps, ky = (k0 % taps) / KW, kx = k0 % KW;
    if (m + 4 <= rows && ow + 3 < OW && sW == 1) {
      for (let k = 0; k < kc; k++) {
        v128.store(dst + (<usize>k << 4), lineTaps(x, sample, c, H, W, h0 + ky * dH, w0 + kx * dW, memoryEnd));
        if (++kx == KW) { kx = 0; if (++ky == KH) { ky = 0; c++; } }
      }
    } else {
      // each of the 4 rows' own pixel (the last row repeated past the end)
      const q1 = min(p0 + 1, last), q2 = min(p0 + 2, last), q3 = min(p0 + 3, last);
      const s1 = x + <usize>(q1 / (OW * OH)) * sampleBytes, s2 = x + <usize>(q2 / (OW * OH)) * sampleBytes, s3 = x + <usize>(q3 / (OW * OH)) * sampleBytes;
      const h1 = ((q1 / OW) % OH) * sH - pH, h2 = ((q2 / OW) % OH) * sH - pH, h3 = ((q3 / OW) % OH) * sH - pH;
      const w1 = (q1 % OW) * sW - pW, w2 = (q2 % OW) * sW - pW, w3 = (q3 % OW) * sW - pW;
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
  const C = w(s, 1), H = w(s, 2), W = w(s, 3), KH = w(s, 4), KW = w(s, 5), OH = w(s, 6), OW = w(s, 7);
  const sH = w(s, 8), sW = w(s, 9), pH = w(s, 10), pW = w(s, 11), dH = w(s, 12), dW = w(s, 13);
  const taps = KH * KW, sampleBytes = <usize>(C * H * W) << 2, memoryEnd = <usize>memory.size() << 16, rowBytes = <usize>width << 2;
  const zero = f32x4.splat(0);
  for (let j0 = 0; j0 < width; j0 += 4) {
    // the 4 columns' channel and tap offsets (a column past cols reads nothing: its channel is -1)
    const i0 = n0 + j0, c0 = j0 < cols ? i0 / taps : -1, c1 = j0 + 1 < cols ? (i0 + 1) / taps : -1;
    const c2 = j0 + 2 < cols ? (i0 + 2) / taps : -1, c3 = j0 + 3 < cols ? (i0 + 3) / taps : -1;
    const y0 = ((i0 % taps) / KW) * dH, y1 = (((i0 + 1) % taps) / KW) * dH, y2 = (((i0 + 2) % taps) / KW) * dH, y3 = (((i0 + 3) % taps) / KW) * dH;
    const x0 = (i0 % KW) * dW, x1 = ((i0 + 1) % KW) * dW, x2 = ((i0 + 2) % KW) * dW, x3 = ((i0 + 3) % KW) * dW;
    for (let kk = 0; kk < kc; kk += 4) {
      const p0 = k0 + kk, ow = p0 % OW, oh = (p0 / OW) % OH, n = p0 / (OW * OH);
      const h0 = oh * sH - pH, w0 = ow * sW - pW, sample = x + <usize>n * sampleBytes;
      const d = dst + <usize>kk * rowBytes + (<usize>j0 << 2);
      if (kk + 4 <= kc && ow + 3 < OW && sW == 1) {
        const v0 = c0 < 0 ? zero : lineTaps(x, sample, c0, H, W, h0 + y0, w0 + x0, memoryEnd);
        const v1 = c1 < 0 ? zero : lineTaps(x, sample, c1, H, W, h0 + y1, w0 + x1, memoryEnd);
        const v2 = c2 < 0 ? zero : lineTaps(x, sample, c2, H, W, h0 + y2, w0 + x2, memoryEnd);
        const v3 = c3 < 0 ? zero : lineTaps(x, sample, c3, H, W, h0 + y3, w0 + x3, memoryEnd);
        const t0 = v128.shuffle<f32>(v0, v1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(v2, v3, 0, 4, 1, 5);
        const t2 = v128.shuffle<f32>(v0, v1, 2, 6, 3, 7), t3 = v128.shuffle<f32>(v2, v3, 2, 6, 3, 7);
        v128.store(d, v128.shuffle<f32>(t0, t1, 0, 1, 4, 5));
        v128.store(d + rowBytes, v128.shuffle<f32>(t0, t1, 2, 3, 6, 7));
        v128.store(d + 2 * rowBytes, v128.shuffle<f32>(t2, t3, 0, 1, 4, 5));
        v128.store(d + 3 * rowBytes, v128.shuffle<f32>(t2, t3, 2, 3, 6, 7));
        continue;
      }
      for (let q = 0; q < min(4, kc - kk); q++) {
        const p = p0 + q, qs = x + <usize>(p / (OW * OH)) * sampleBytes;
        const qh = ((p / OW) % OH) * sH - pH, qw = (p % OW) * sW - pW, at = d + <usize>q * rowBytes;
        store<f32>(at, c0 < 0 ? 0 : tap(qs, c0, H, W, qh + y0, qw + x0));
        store<f32>(at, c1 < 0 ? 0 : tap(qs, c1, H, W, qh + y1, qw + x1), 4);
        store<f32>(at, c2 < 0 ? 0 : tap(qs, c2, H, W, qh + y2, qw + x2), 8);
        store<f32>(at, c3 < 0 ? 0 : tap(qs, c3, H, W, qh + y3, qw + x3), 12);
      }
    }
  }
}
