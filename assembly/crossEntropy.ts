// crossEntropy's gradient in one pass (the Backend's crossEntropyGrad): with s = dy·factor, out = hot·s − e^lp·s,
// each product and the difference an f32 operation and e^lp exp4, as the scalar, binary and unary kernels it
// replaces compute them, so the bits are theirs.
import { exp4 } from './exp';

/** Elements [start, end) of out from logProbs and hot (the labels' one-hot), all f32 of one size. */
export function crossEntropyGrad(dy: usize, factor: f32, logProbs: usize, hot: usize, out: usize, start: i32, end: i32): void {
  const s = load<f32>(dy) * factor, s4 = f32x4.splat(s);
  let i = start;
  for (; i + 4 <= end; i += 4) {
    const at = <usize>i << 2;
    v128.store(out + at, f32x4.sub(f32x4.mul(v128.load(hot + at), s4), f32x4.mul(exp4(v128.load(logProbs + at)), s4)));
  }
  for (; i < end; i++) {
    const at = <usize>i << 2;
    store<f32>(out + at, load<f32>(hot + at) * s - f32x4.extract_lane(exp4(f32x4.splat(load<f32>(logProbs + at))), 0) * s);
  }
}
