// Reductions along one axis.
import { Reduce } from './table.generated';
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
