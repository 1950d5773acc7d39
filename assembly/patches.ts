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
 * Packs patch rows [m0, m0 + rows) and columns [k0, k0 + kc) into dst in groups of 4 rows; a missing row of
 * the last group repeats the last row. Four pixels of one output line at stride 1 read 4 neighbouring values
 * per k: one 4-wide load, its lanes outside the input zeroed (most groups); others gather value by value.
 */
export function packPatches(x: usize, s: usize, m0: i32, rows: i32, k0: i32, kc: i32, dst: usize): void {
  const C = w(s, 1), H = w(s, 2), W = w(s, 3), KH = w(s, 4), KW = w(s, 5), OH = w(s, 6), OW = w(s, 7);
  const sH = w(s, 8), sW = w(s, 9), pH = w(s, 10), pW = w(s, 11), dH = w(s, 12), dW = w(s, 13);
  const taps = KH * KW, sampleBytes = <usize>(C * H * W) << 2, memoryEnd = <usize>memory.size() << 16;
  const lanes = i32x4(0, 1, 2, 3), width = i32x4.splat(W), zero = f32x4.splat(0);
  for (let m = 0; m < rows; m += 4) {
    const p0 = m0 + m, last = m0 + rows - 1;
    const ow = p0 % OW, oh = (p0 / OW) % OH, n = p0 / (OW * OH);
    const h0 = oh * sH - pH, w0 = ow * sW - pW, sample = x + <usize>n * sampleBytes;
    let c = k0 / taps, ky = (k0 % taps) / KW, kx = k0 % KW;
    if (m + 4 <= rows && ow + 3 < OW && sW == 1) {
      for (let k = 0; k < kc; k++) {
        const d = dst + (<usize>k << 4), ih = h0 + ky * dH, iw = w0 + kx * dW;
        const src = sample + (<usize>((c * H + ih) * W + iw) << 2);
        if (ih < 0 || ih >= H) v128.store(d, zero);
        else if (iw >= 0 && iw + 3 < W) v128.store(d, v128.load(src));
        else if (src >= x && src + 16 <= memoryEnd) {
          // a window over the edge: the lanes before column 0 or past W - 1 read neighbouring values, zeroed
          const at = i32x4.add(i32x4.splat(iw), lanes);
          v128.store(d, v128.and(v128.load(src), v128.and(i32x4.ge_s(at, i32x4.splat(0)), i32x4.lt_s(at, width))));
        } else {
          for (let j = 0; j < 4; j++) store<f32>(d + (<usize>j << 2), tap(sample, c, H, W, ih, iw + j));
        }
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
