// Reductions along one axis, row-wise softmax and one-hot.
import { Reduce } from './codes';

/** x viewed as [outer, n, inner] reduced over n into out [outer, inner]; rows of inner are summed 4 lanes at a time. */
export function reduce(op: i32, x: usize, out: usize, outer: i32, n: i32, inner: i32): void {
  const isSum = op == Reduce.sum;
  const init: f32 = isSum ? 0 : -Infinity;
  const rowB = <usize>inner << 2;
  for (let p = 0; p < outer; p++) {
    const o = out + <usize>p * rowB;
    const src = x + <usize>p * <usize>n * rowB;
    let q = 0;
    for (; q + 4 <= inner; q += 4) {
      let acc = f32x4.splat(init);
      let s = src + (<usize>q << 2);
      for (let r = 0; r < n; r++) {
        const v = v128.load(s);
        acc = isSum ? f32x4.add(acc, v) : f32x4.max(acc, v);
        s += rowB;
      }
      v128.store(o + (<usize>q << 2), acc);
    }
    for (; q < inner; q++) {
      let acc = init;
      let s = src + (<usize>q << 2);
      for (let r = 0; r < n; r++) {
        const v = load<f32>(s);
        acc = isSum ? acc + v : max(acc, v);
        s += rowB;
      }
      store<f32>(o + (<usize>q << 2), acc);
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
    for (let c = 0; c < cols; c++) sum += Mathf.exp(load<f32>(a + (<usize>c << 2)) - mx);
    const logSum = <f32>Math.log(sum), inv = <f32>(1 / sum);
    for (let c = 0; c < cols; c++) {
      const v = load<f32>(a + (<usize>c << 2)) - mx;
      store<f32>(o + (<usize>c << 2), log ? v - logSum : Mathf.exp(v) * inv);
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
