// Bilinear resizing of a batch of single-channel images, as PyTorch's
// F.interpolate(mode='bilinear', align_corners=False) (torch 1.13-2.x): sample centres aligned, edges clamped.

/** For each output index: the two source indices and the weight of the second. */
function taps(inSize: number, outSize: number): { i0: Int32Array; i1: Int32Array; w1: Float32Array } {
  const i0 = new Int32Array(outSize), i1 = new Int32Array(outSize), w1 = new Float32Array(outSize);
  const scale = inSize / outSize;
  for (let o = 0; o < outSize; o++) {
    const src = Math.max(0, (o + 0.5) * scale - 0.5);
    i0[o] = Math.min(Math.floor(src), inSize - 1);
    i1[o] = Math.min(i0[o] + 1, inSize - 1);
    w1[o] = src - i0[o];
  }
  return { i0, i1, w1 };
}

/**
 * n images [n, h, w] (row-major f32) resized to [n, outH, outW].
 * @throws when x does not hold n·h·w values or a size is not a positive integer.
 */
export function resizeBilinear(x: Float32Array, n: number, h: number, w: number, outH: number, outW: number): Float32Array {
  if (![n, h, w, outH, outW].every((v) => Number.isInteger(v) && v > 0)) throw new Error(`resizeBilinear: sizes must be positive integers, got n ${n}, ${h}x${w} -> ${outH}x${outW}`);
  if (x.length !== n * h * w) throw new Error(`resizeBilinear: ${x.length} values are not ${n} images of ${h}x${w}`);
  const rows = taps(h, outH), cols = taps(w, outW);
  const out = new Float32Array(n * outH * outW);
  for (let i = 0; i < n; i++) {
    const src = i * h * w;
    for (let y = 0; y < outH; y++) {
      const r0 = src + rows.i0[y] * w, r1 = src + rows.i1[y] * w, wy = rows.w1[y];
      for (let c = 0; c < outW; c++) {
        const a = cols.i0[c], b = cols.i1[c], wx = cols.w1[c];
        const top = x[r0 + a] * (1 - wx) + x[r0 + b] * wx;
        const bottom = x[r1 + a] * (1 - wx) + x[r1 + b] * wx;
        out[(i * outH + y) * outW + c] = top * (1 - wy) + bottom * wy;
      }
    }
  }
  return out;
}
