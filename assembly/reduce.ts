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
  if (inner == 1) return reduceRows(isSum, init, x, out, outer, n);
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

/**
 * reduce with inner = 1 (each out value folds one contiguous row of n): four rows at a time in the lanes of one
 * register, in the same order as the general loop. Folding through memory made every add wait on the last
 * store: crossEntropy's [N, C] row sums took 3x as long.
 */
function reduceRows(isSum: bool, init: f32, x: usize, out: usize, outer: i32, n: i32): void {
  const rowB = <usize>n << 2;
  let p = 0;
  for (; p + 4 <= outer; p += 4) {
    const r0 = x + <usize>p * rowB;
    let acc = f32x4.splat(init);
    for (let q: usize = 0; q < rowB; q += 4) {
      const at = r0 + q, v = f32x4(load<f32>(at), load<f32>(at + rowB), load<f32>(at + 2 * rowB), load<f32>(at + 3 * rowB));
      acc = isSum ? f32x4.add(acc, v) : f32x4.max(acc, v);
    }
    v128.store(out + (<usize>p << 2), acc);
  }
  for (; p < outer; p++) {
    const r = x + <usize>p * rowB;
    let acc = init;
    for (let q: usize = 0; q < rowB; q += 4) acc = isSum ? acc + load<f32>(r + q) : max(acc, load<f32>(r + q));
    store<f32>(out + (<usize>p << 2), acc);
  }
}
