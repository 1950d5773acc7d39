// Window kernels over NCHW: patch extraction (im2col) and its adjoint, max and average pooling and their
// adjoints. The walk is 16 i32 words at `s`: the op table's WindowWalk (src/backend/op-table.ts), in its order
// N C H W KH KW OH OW strideH strideW padH padW dilationH dilationW adaptive countIncludePad.
// Every kernel covers items [start, end) of its output (col2im: whole samples), so tasks split it over the
// threads, each writing only its own items: none needs atomics.

@inline function w(s: usize, k: i32): i32 { return load<i32>(s + (<usize>k << 2)); }
@inline function ld(p: usize, i: i32): f32 { return load<f32>(p + (<usize>i << 2)); }
@inline function st(p: usize, i: i32, v: f32): void { store<f32>(p + (<usize>i << 2), v); }

/** cols rows [start, end) (output pixels n·OH·OW + oh·OW + ow), each C·KH·KW values, 0 outside the input. */
export function im2col(x: usize, cols: usize, s: usize, start: i32, end: i32): void {
  const C = w(s, 1), H = w(s, 2), W = w(s, 3), KH = w(s, 4), KW = w(s, 5), OH = w(s, 6), OW = w(s, 7);
  const sH = w(s, 8), sW = w(s, 9), pH = w(s, 10), pW = w(s, 11), dH = w(s, 12), dW = w(s, 13);
  const width = C * KH * KW;
  for (let row = start; row < end; row++) {
    const ow = row % OW, oh = (row / OW) % OH, n = row / (OW * OH);
    const h0 = oh * sH - pH, w0 = ow * sW - pW;
    let out = cols + (<usize>row * <usize>width << 2);
    for (let c = 0; c < C; c++) {
      const plane = x + (<usize>((n * C + c) * H) * <usize>W << 2);
      for (let ky = 0; ky < KH; ky++) {
        const ih = h0 + ky * dH;
        if (ih < 0 || ih >= H) {
          memory.fill(out, 0, <usize>KW << 2);
          out += <usize>KW << 2;
          continue;
        }
        const line = plane + (<usize>(ih * W) << 2);
        for (let kx = 0; kx < KW; kx++) {
          const iw = w0 + kx * dW;
          store<f32>(out, iw >= 0 && iw < W ? load<f32>(line + (<usize>iw << 2)) : 0);
          out += 4;
        }
      }
    }
  }
}

/** Output index of the window whose tap `tap` reads input position y along one axis, or -1: what the adjoints gather. */
@inline function windowOf(y: i32, tap: i32, pad: i32, dilation: i32, stride: i32, outSize: i32): i32 {
  const t = y + pad - tap * dilation;
  return t < 0 || t % stride != 0 || t / stride >= outSize ? -1 : t / stride;
}

/**
 * dx of samples [start, end): the sum of the cols entries that read each element. Each sample's cols rows are
 * added in order into its own (zeroed) dx, so tasks own whole samples and read cols front to back.
 */
export function col2im(cols: usize, dx: usize, s: usize, start: i32, end: i32): void {
  const C = w(s, 1), H = w(s, 2), W = w(s, 3), KH = w(s, 4), KW = w(s, 5), OH = w(s, 6), OW = w(s, 7);
  const sH = w(s, 8), sW = w(s, 9), pH = w(s, 10), pW = w(s, 11), dH = w(s, 12), dW = w(s, 13);
  const planeBytes = <usize>(H * W) << 2, sampleBytes = <usize>C * planeBytes, tapStep = <usize>dW << 2, rowStep = <usize>(dH * W) << 2;
  for (let n = start; n < end; n++) {
    const sample = dx + <usize>n * sampleBytes;
    memory.fill(sample, 0, sampleBytes);
    let src = cols + (<usize>(n * OH * OW) * <usize>(C * KH * KW) << 2);
    for (let oh = 0; oh < OH; oh++) {
      const h0 = oh * sH - pH, rowsInside = h0 >= 0 && h0 + (KH - 1) * dH < H;
      for (let ow = 0; ow < OW; ow++) {
        const w0 = ow * sW - pW;
        if (rowsInside && w0 >= 0 && w0 + (KW - 1) * dW < W) {
          // every tap inside the input (most pixels): no bounds checks
          let plane = sample + (<usize>(h0 * W + w0) << 2);
          for (let c = 0; c < C; c++, plane += planeBytes) {
            let line = plane;
            for (let ky = 0; ky < KH; ky++, line += rowStep) {
              let to = line;
              for (let kx = 0; kx < KW; kx++, to += tapStep, src += 4) store<f32>(to, load<f32>(to) + load<f32>(src));
            }
          }
          continue;
        }
        for (let c = 0; c < C; c++) {
          const plane = sample + <usize>c * planeBytes;
          for (let ky = 0; ky < KH; ky++) {
            const ih = h0 + ky * dH;
            for (let kx = 0; kx < KW; kx++, src += 4) {
              const iw = w0 + kx * dW;
              if (ih >= 0 && ih < H && iw >= 0 && iw < W) {
                const to = plane + (<usize>(ih * W + iw) << 2);
                store<f32>(to, load<f32>(to) + load<f32>(src));
              }
            }
          }
        }
      }
    }
  }
}

/** First position, tap count and spacing of window o along an axis (adaptive: [⌊o·size/out⌋, ⌈(o+1)·size/out⌉)). */
@inline function spanStart(o: i32, size: i32, outSize: i32, stride: i32, pad: i32, adaptive: bool): i32 {
  return adaptive ? (o * size) / outSize : o * stride - pad;
}
@inline function spanCount(o: i32, size: i32, outSize: i32, k: i32, adaptive: bool): i32 {
  return adaptive ? ((o + 1) * size + outSize - 1) / outSize - (o * size) / outSize : k;
}

/** Outputs [start, end): window maxima (the first maximum wins, NaN beats all) and their in-plane index. */
export function maxPool2d(x: usize, out: usize, argmax: usize, s: usize, start: i32, end: i32): void {
  const H = w(s, 2), W = w(s, 3), KH = w(s, 4), KW = w(s, 5), OH = w(s, 6), OW = w(s, 7);
  const sH = w(s, 8), sW = w(s, 9), pH = w(s, 10), pW = w(s, 11), dH = w(s, 12), dW = w(s, 13), adaptive = w(s, 14) != 0;
  for (let i = start; i < end; i++) {
    const ow = i % OW, oh = (i / OW) % OH, plane = x + (<usize>(i / (OW * OH) * H) * <usize>W << 2);
    const h0 = spanStart(oh, H, OH, sH, pH, adaptive), nh = spanCount(oh, H, OH, KH, adaptive), stepH = adaptive ? 1 : dH;
    const w0 = spanStart(ow, W, OW, sW, pW, adaptive), nw = spanCount(ow, W, OW, KW, adaptive), stepW = adaptive ? 1 : dW;
    let best: f32 = -Infinity, index = -1;
    for (let a = 0; a < nh; a++) {
      const ih = h0 + a * stepH;
      if (ih < 0 || ih >= H) continue;
      let b = 0;
      for (; b < nw; b++) {
        const iw = w0 + b * stepW;
        if (iw < 0 || iw >= W) continue;
        const v = ld(plane, ih * W + iw);
        if (index < 0 || v > best || v != v) {
          best = v;
          index = ih * W + iw;
          if (v != v) break;
        }
      }
      if (b < nw) break; // stopped at a NaN
    }
    st(out, i, best);
    store<i32>(argmax + (<usize>i << 2), index);
  }
}

/** dx elements [start, end): Σ dy over the windows whose argmax is this element. */
export function maxPool2dGrad(dy: usize, argmax: usize, dx: usize, s: usize, start: i32, end: i32): void {
  const H = w(s, 2), W = w(s, 3), KH = w(s, 4), KW = w(s, 5), OH = w(s, 6), OW = w(s, 7);
  const sH = w(s, 8), sW = w(s, 9), pH = w(s, 10), pW = w(s, 11), dH = w(s, 12), dW = w(s, 13);
  for (let i = start; i < end; i++) {
    const x = i % W, y = (i / W) % H, plane = i / (W * H), here = y * W + x;
    let acc: f32 = 0;
    for (let ky = 0; ky < KH; ky++) {
      const oh = windowOf(y, ky, pH, dH, sH, OH);
      if (oh < 0) continue;
      const rowBase = (plane * OH + oh) * OW;
      for (let kx = 0; kx < KW; kx++) {
        const ow = windowOf(x, kx, pW, dW, sW, OW);
        if (ow >= 0 && load<i32>(argmax + (<usize>(rowBase + ow) << 2)) == here) acc += ld(dy, rowBase + ow);
      }
    }
    st(dx, i, acc);
  }
}

/** The divisor of window (oh, ow): its valid taps, or (countIncludePad) its extent clipped to the padded input. */
function divisor(s: usize, oh: i32, ow: i32): f32 {
  const H = w(s, 2), W = w(s, 3), KH = w(s, 4), KW = w(s, 5), OH = w(s, 6), OW = w(s, 7);
  const sH = w(s, 8), sW = w(s, 9), pH = w(s, 10), pW = w(s, 11), adaptive = w(s, 14) != 0;
  const h0 = spanStart(oh, H, OH, sH, pH, adaptive), h1 = h0 + spanCount(oh, H, OH, KH, adaptive);
  const w0 = spanStart(ow, W, OW, sW, pW, adaptive), w1 = w0 + spanCount(ow, W, OW, KW, adaptive);
  if (w(s, 15) != 0 && !adaptive) return <f32>((min(h1, H + pH) - h0) * (min(w1, W + pW) - w0));
  return <f32>((min(h1, H) - max(h0, 0)) * (min(w1, W) - max(w0, 0)));
}

/** Outputs [start, end): window means. */
export function avgPool2d(x: usize, out: usize, s: usize, start: i32, end: i32): void {
  const H = w(s, 2), W = w(s, 3), KH = w(s, 4), KW = w(s, 5), OH = w(s, 6), OW = w(s, 7);
  const sH = w(s, 8), sW = w(s, 9), pH = w(s, 10), pW = w(s, 11), adaptive = w(s, 14) != 0;
  for (let i = start; i < end; i++) {
    const ow = i % OW, oh = (i / OW) % OH, plane = x + (<usize>(i / (OW * OH) * H) * <usize>W << 2);
    const h0 = spanStart(oh, H, OH, sH, pH, adaptive), h1 = h0 + spanCount(oh, H, OH, KH, adaptive);
    const w0 = spanStart(ow, W, OW, sW, pW, adaptive), w1 = w0 + spanCount(ow, W, OW, KW, adaptive);
    let acc: f32 = 0;
    for (let ih = max(h0, 0); ih < min(h1, H); ih++) {
      for (let iw = max(w0, 0); iw < min(w1, W); iw++) acc += ld(plane, ih * W + iw);
    }
    st(out, i, acc / divisor(s, oh, ow));
  }
}

/** dx elements [start, end): Σ over the windows holding the element of dy / the window's divisor. */
export function avgPool2dGrad(dy: usize, dx: usize, s: usize, start: i32, end: i32): void {
  const H = w(s, 2), W = w(s, 3), KH = w(s, 4), KW = w(s, 5), OH = w(s, 6), OW = w(s, 7);
  const sH = w(s, 8), sW = w(s, 9), pH = w(s, 10), pW = w(s, 11), adaptive = w(s, 14) != 0;
  for (let i = start; i < end; i++) {
    const x = i % W, y = (i / W) % H, plane = i / (W * H);
    // Windows holding row y: adaptive ones from ⌊y·OH/H⌋ while they start at or before y; others oh·s − p ≤ y < oh·s − p + K.
    const oh0 = adaptive ? (y * OH) / H : max(0, (y + pH - KH + sH) / sH), ow0 = adaptive ? (x * OW) / W : max(0, (x + pW - KW + sW) / sW);
    let acc: f32 = 0;
    for (let oh = oh0; oh < OH; oh++) {
      const h0 = spanStart(oh, H, OH, sH, pH, adaptive);
      if (h0 > y) break;
      if (y >= h0 + spanCount(oh, H, OH, KH, adaptive)) continue;
      for (let ow = ow0; ow < OW; ow++) {
        const w0 = spanStart(ow, W, OW, sW, pW, adaptive);
        if (w0 > x) break;
        if (x >= w0 + spanCount(ow, W, OW, KW, adaptive)) continue;
        acc += ld(dy, (plane * OH + oh) * OW + ow) / divisor(s, oh, ow);
      }
    }
    st(dx, i, acc);
  }
}
