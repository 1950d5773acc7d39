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

/** Axis 4 of a view (the rows' innermost axis): its size, and its stride in each set. */
@inline export function size4(view: usize): i32 { return load<i32>(view, 16); }
@inline export function step4(view: usize, strideAt: usize): i32 { return load<i32>(view + strideAt, 16); }

/**
 * dst[Σ idx·dstStrides] = src[Σ idx·srcStrides] over the view (stride set 1: src, 2: dst), 32-bit elements.
 * Row offsets: rowOffset's divisions only where axis 4 wraps, else one add per set (rows of a few elements
 * spent most of their time in those divisions); binary in elementwise.ts walks its rows the same way.
 */
export function copyStrided(src: usize, dst: usize, view: usize, start: i32, end: i32): void {
  if (start >= end) return; // an empty view may hold a zero size: nothing to divide by
  const n = load<i32>(view, 20), ss = <usize>load<i32>(view, 44) << 2, ds = <usize>load<i32>(view, 68) << 2;
  const d4 = size4(view), sStep = step4(view, 24), dStep = step4(view, 48);
  let row = start / n, col = start - row * n, at4 = row % d4;
  let so = rowOffset(view, row, 24), dO = rowOffset(view, row, 48);
  let i = start;
  while (i < end) {
    let ps = src + (<usize>so << 2) + <usize>col * ss, pd = dst + (<usize>dO << 2) + <usize>col * ds;
    const stop = min(end - i, n - col);
    let j = 0;
    if (ss == 4 && ds == 4) { // rows contiguous on both sides (a rearrange's runs): 4 elements a move
      for (; j + 4 <= stop; j += 4) {
        v128.store(pd, v128.load(ps));
        ps += 16; pd += 16;
      }
    }
    for (; j < stop; j++) {
      store<i32>(pd, load<i32>(ps));
      ps += ss; pd += ds;
    }
    i += stop;
    col = 0;
    row++;
    if (++at4 < d4) {
      so += sStep; dO += dStep;
    } else {
      at4 = 0; so = rowOffset(view, row, 24); dO = rowOffset(view, row, 48);
    }
  }
}
