// Reductions along one axis.
import { Reduce } from './table.generated';

/**
 * x viewed as [outer, n, inner] reduced over n into out [outer, inner], each out value folded over n in order, in
 * registers (inner = 1: reduceRows): columns 32 at a time in 8 of them, then one vector, then one value at a time.
 * Folding whole rows into out through memory made every vector a load, an add and a store: a [128, 256] column sum
 * (a layer's bias gradient in the digits model) 3.2 -> 1.2 us, [128, 40] 0.55 -> 0.24, [128, 4096] 52 -> 46; a max
 * over [3, 50, 37] 1.2 -> 1.45.
 */
export function reduce(op: i32, x: usize, out: usize, outer: i32, n: i32, inner: i32): void {
  const isSum = op == Reduce.sum;
  const init: f32 = isSum ? 0 : -Infinity;
  if (inner == 1) return reduceRows(isSum, init, x, out, outer, n);
  const rowB = <usize>inner << 2, stripEnd = rowB & ~127, vecEnd = rowB & ~15;
  for (let p = 0; p < outer; p++) {
    const o = out + <usize>p * rowB, src = x + <usize>p * <usize>n * rowB;
    let q: usize = 0;
    for (; q < stripEnd; q += 128) columnStrip(isSum, init, src + q, rowB, n, o + q);
    for (; q < vecEnd; q += 16) {
      let acc = f32x4.splat(init);
      for (let r = 0, s = src + q; r < n; r++, s += rowB) acc = isSum ? f32x4.add(acc, v128.load(s)) : f32x4.max(acc, v128.load(s));
      v128.store(o + q, acc);
    }
    for (; q < rowB; q += 4) {
      let acc = init;
      for (let r = 0, s = src + q; r < n; r++, s += rowB) acc = isSum ? acc + load<f32>(s) : max(acc, load<f32>(s));
      store<f32>(o + q, acc);
    }
  }
}

/** 32 columns at s (rows rowB bytes apart) folded over n rows in 8 registers, into o. */
@inline
function columnStrip(isSum: bool, init: f32, s: usize, rowB: usize, n: i32, o: usize): void {
  let a0 = f32x4.splat(init), a1 = a0, a2 = a0, a3 = a0, a4 = a0, a5 = a0, a6 = a0, a7 = a0;
  for (let r = 0; r < n; r++, s += rowB) {
    if (isSum) {
      a0 = f32x4.add(a0, v128.load(s)); a1 = f32x4.add(a1, v128.load(s, 16)); a2 = f32x4.add(a2, v128.load(s, 32)); a3 = f32x4.add(a3, v128.load(s, 48));
      a4 = f32x4.add(a4, v128.load(s, 64)); a5 = f32x4.add(a5, v128.load(s, 80)); a6 = f32x4.add(a6, v128.load(s, 96)); a7 = f32x4.add(a7, v128.load(s, 112));
    } else {
      a0 = f32x4.max(a0, v128.load(s)); a1 = f32x4.max(a1, v128.load(s, 16)); a2 = f32x4.max(a2, v128.load(s, 32)); a3 = f32x4.max(a3, v128.load(s, 48));
      a4 = f32x4.max(a4, v128.load(s, 64)); a5 = f32x4.max(a5, v128.load(s, 80)); a6 = f32x4.max(a6, v128.load(s, 96)); a7 = f32x4.max(a7, v128.load(s, 112));
    }
  }
  v128.store(o, a0); v128.store(o, a1, 16); v128.store(o, a2, 32); v128.store(o, a3, 48);
  v128.store(o, a4, 64); v128.store(o, a5, 80); v128.store(o, a6, 96); v128.store(o, a7, 112);
}

/**
 * reduce with inner = 1 (each out value folds one contiguous row of n): four rows at a time in the lanes of one
 * register, each row in order. Folding through memory made every add wait on the last store: crossEntropy's row
 * sums over [512, 10] took 7.4 us, now 1.0.
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
