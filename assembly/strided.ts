// Strided walks over a rank-6 view: at `view`, i32 shape[6], then two stride sets of 6 (elements).
// The TypeScript side pads lower ranks with leading 1s and merges contiguous axes first.

/** Element offset of the first element of row `row` (index over the first 5 axes) for the strides at view + strideAt. */
@inline
export function rowOffset(view: usize, row: i32, strideAt: usize): i32 {
  let off = 0;
  for (let ax = 4; ax >= 0; ax--) {
    const d = load<i32>(view + (<usize>ax << 2));
    const q = row / d;
    off += (row - q * d) * load<i32>(view + strideAt + (<usize>ax << 2));
    row = q;
  }
  return off;
}

/** dst[Σ idx·dstStrides] = src[Σ idx·srcStrides] over the view (stride set 1: src, 2: dst), 32-bit elements. */
export function copyStrided(src: usize, dst: usize, view: usize, start: i32, end: i32): void {
  const n = load<i32>(view, 20), ss = <usize>load<i32>(view, 44) << 2, ds = <usize>load<i32>(view, 68) << 2;
  let i = start;
  while (i < end) {
    const row = i / n;
    const col = i - row * n;
    let ps = src + (<usize>rowOffset(view, row, 24) << 2) + <usize>col * ss;
    let pd = dst + (<usize>rowOffset(view, row, 48) << 2) + <usize>col * ds;
    const stop = min(end - i, n - col);
    for (let j = 0; j < stop; j++) {
      store<i32>(pd, load<i32>(ps));
      ps += ss; pd += ds;
    }
    i += stop;
  }
}
