// Reductions along one axis, row-wise softmax and one-hot.
import { Reduce } from './codes';
import { fill } from './elementwise';

/**
 * x viewed as [outer, n, inner] reduced over n into out [outer, inner]. Rows of x are folded into the out row
 * one after another (contiguous reads; walking down a column would hit one cache set per kB-wide row).
 */
export function reduce(op: i32, x: usize, out: usize, outer: i32, n: i32, inner: i32): void {
  const isSum = op == Reduce.sum;
  const init: f32 = isSum ? 0 : -Infinity;
  const rowB = <usize>inner << 2, vecEnd = rowB & ~15;
  for (let p = 0; p < outer; p++) {
    const o = out + <usize>p * rowB;
    let src = x + <usize>p * <usize>n * rowB;
    fill(o, init, 0, inner);
    for (let r = 0; r < n; r++) {
      let q: usize = 0;
      for (; q < vecEnd; q += 16) {
        const acc = v128.load(o + q), v = v128.load(src + q);
        v128.store(o + q, isSum ? f32x4.add(acc, v) : f32x4.max(acc, v));
      }
      for (; q < rowB; q += 4) {
        const acc = load<f32>(o + q), v = load<f32>(src + q);
        store<f32>(o + q, isSum ? acc + v : max(acc, v));
      }
      src += rowB;
    }
  }
}

/** Softmax (or log-softmax) of rows [r0, r1) of x viewed as [rows, cols]. */
export function softmax(x: usize, out: usize, cols: i32, log: bool, r0: i32, r1: i32): void {
  for (let r = r0; r < r1; r++) {
    const a = x + <usize>r * <usize>cols * 4, o = out + <usize>r * <usize>cols * 4;
    let mx: f32 = -Infinity;
    for (let c = 0; c < cols; c++) mx = max(mx, load<f32>(a + (<usize>c << 2)));
    let sum: f64 = 0;
    for (let c = 0; c < cols; c++) {
      const e = Mathf.exp(load<f32>(a + (<usize>c << 2)) - mx);
      if (!log) store<f32>(o + (<usize>c << 2), e); // kept for the scaling below: one exp per element
      sum += e;
    }
    if (log) {
      const logSum = <f32>Math.log(sum);
      for (let c = 0; c < cols; c++) store<f32>(o + (<usize>c << 2), load<f32>(a + (<usize>c << 2)) - mx - logSum);
    } else {
      const inv = <f32>(1 / sum); // the log of the sum is a row's cost of its own: softmax skips it
      for (let c = 0; c < cols; c++) store<f32>(o + (<usize>c << 2), load<f32>(o + (<usize>c << 2)) * inv);
    }
  }
}

/** out [n, classes] = one-hot of the i32 labels; a label outside [0, classes) writes nothing past out. */
export function oneHot(labels: usize, out: usize, n: i32, classes: i32): void {
  const total = n * classes;
  memory.fill(out, 0, <usize>total << 2);
  for (let i = 0; i < n; i++) {
    const at = i * classes + load<i32>(labels + (<usize>i << 2));
    if (at >= 0 && at < total) store<f32>(out + (<usize>at << 2), 1);
  }
}
