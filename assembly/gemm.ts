// One block GEMM on a work range: C[m, n] = act(bias[n] + Σ_k A(m, k)·B(k, n)) for m in [m0, m1), n in [n0, n1).
// A(m, k) = a[m*ars + k*acs], B(k, n) = b[k*brs + n*bcs], C(m, n) = c[m*crs + n]; strides in elements,
// pointers in bytes. The three block-linear GEMMs are this one with different strides:
//   forward      A = X_g,          B = W_gᵀ (bcs = I)
//   input grad   A = dY_g,         B = W_g  (brs = I)
//   weight grad  A = dY_gᵀ (acs = G*O), B = X_g (brs = G*I)
// B is copied 8 columns at a time into a contiguous [K, 8] panel in `scratch`, reused by every row of the
// range; A is copied into rows contiguous in k when it is not already. Far-apart rows (a stride of a few kB
// per k) would otherwise all land in the same L1 sets and pages.
import { madd } from './simd';

const ZERO = f32x4.splat(0);

@inline
function epilogue(v: v128, bias: usize, off: usize, relu: bool): v128 {
  if (bias) v = f32x4.add(v, v128.load(bias + off));
  return relu ? f32x4.max(v, ZERO) : v; // max keeps NaN, like the reference relu
}

/**
 * 4 rows × 8 columns of C in 8 f32x4 accumulators (k is not unrolled: Binaryen then interleaves the steps
 * per accumulator, which needs more than 16 registers and spills).
 * a0..a3: A rows (contiguous in k; repeated on a row tail), b: the [K, 8] panel, rows: rows to store.
 */
function tile4x8(a0: usize, a1: usize, a2: usize, a3: usize, b: usize, K: i32, c: usize, crs: usize, rows: i32,
  bias: usize, relu: bool): void {
  let c00 = ZERO, c01 = ZERO, c10 = ZERO, c11 = ZERO, c20 = ZERO, c21 = ZERO, c30 = ZERO, c31 = ZERO;
  for (let k = 0; k < K; k++) {
    const b0 = v128.load(b), b1 = v128.load(b, 16);
    let x = v128.load32_splat(a0); c00 = madd(x, b0, c00); c01 = madd(x, b1, c01);
    x = v128.load32_splat(a1); c10 = madd(x, b0, c10); c11 = madd(x, b1, c11);
    x = v128.load32_splat(a2); c20 = madd(x, b0, c20); c21 = madd(x, b1, c21);
    x = v128.load32_splat(a3); c30 = madd(x, b0, c30); c31 = madd(x, b1, c31);
    a0 += 4; a1 += 4; a2 += 4; a3 += 4; b += 32;
  }
  v128.store(c, epilogue(c00, bias, 0, relu)); v128.store(c, epilogue(c01, bias, 16, relu), 16);
  if (rows < 2) return;
  c += crs;
  v128.store(c, epilogue(c10, bias, 0, relu)); v128.store(c, epilogue(c11, bias, 16, relu), 16);
  if (rows < 3) return;
  c += crs;
  v128.store(c, epilogue(c20, bias, 0, relu)); v128.store(c, epilogue(c21, bias, 16, relu), 16);
  if (rows < 4) return;
  c += crs;
  v128.store(c, epilogue(c30, bias, 0, relu)); v128.store(c, epilogue(c31, bias, 16, relu), 16);
}

/** 4 rows × 4 columns over a [K, 4] panel: the column tail of 4..7 columns. */
function tile4x4(a0: usize, a1: usize, a2: usize, a3: usize, b: usize, K: i32, c: usize, crs: usize, rows: i32,
  bias: usize, relu: bool): void {
  let c0 = ZERO, c1 = ZERO, c2 = ZERO, c3 = ZERO;
  for (let k = 0; k < K; k++) {
    const b0 = v128.load(b);
    c0 = madd(v128.load32_splat(a0), b0, c0);
    c1 = madd(v128.load32_splat(a1), b0, c1);
    c2 = madd(v128.load32_splat(a2), b0, c2);
    c3 = madd(v128.load32_splat(a3), b0, c3);
    a0 += 4; a1 += 4; a2 += 4; a3 += 4; b += 16;
  }
  v128.store(c, epilogue(c0, bias, 0, relu));
  if (rows > 1) v128.store(c + crs, epilogue(c1, bias, 0, relu));
  if (rows > 2) v128.store(c + 2 * crs, epilogue(c2, bias, 0, relu));
  if (rows > 3) v128.store(c + 3 * crs, epilogue(c3, bias, 0, relu));
}

/** One column of C, scalar, for the last 0..3 columns; B is read in place (column stride brs). */
function column(a: usize, ars: usize, m0: i32, m1: i32, b: usize, brs: usize, K: i32,
  c: usize, crs: usize, bias: usize, relu: bool): void {
  for (let m = m0; m < m1; m++) {
    let acc: f32 = bias ? load<f32>(bias) : 0;
    let ap = a + <usize>(m - m0) * ars, bp = b;
    for (let k = 0; k < K; k++) {
      acc += load<f32>(ap) * load<f32>(bp);
      ap += 4; bp += brs;
    }
    store<f32>(c + <usize>m * crs, relu ? max(acc, <f32>0) : acc);
  }
}

/** Copies `width` (4 or 8) columns of B, starting at b, into a contiguous [K, width] panel. */
function packB(b: usize, brs: usize, bcs: usize, K: i32, width: i32, dst: usize): void {
  if (bcs == 4) {
    for (let k = 0; k < K; k++) {
      v128.store(dst, v128.load(b));
      if (width == 8) v128.store(dst, v128.load(b, 16), 16);
      b += brs; dst += <usize>width << 2;
    }
    return;
  }
  for (let j = 0; j < width; j++) {
    let src = b + <usize>j * bcs, d = dst + (<usize>j << 2);
    for (let k = 0; k < K; k++) {
      store<f32>(d, load<f32>(src));
      src += brs; d += <usize>width << 2;
    }
  }
}

/** Copies rows [m0, m1) of A into rows contiguous in k, [m1 - m0, K]. */
function packA(a: usize, ars: usize, acs: usize, K: i32, m0: i32, m1: i32, dst: usize): void {
  for (let k = 0; k < K; k++) {
    let src = a + <usize>m0 * ars + <usize>k * acs, d = dst + (<usize>k << 2);
    for (let m = m0; m < m1; m++) {
      store<f32>(d, load<f32>(src));
      src += ars; d += <usize>K << 2;
    }
  }
}

/** `scratch` holds the [K, 8] B panel (32·K bytes), then, when acs ≠ 1, the packed A rows ((m1 - m0)·K·4 bytes). */
export function blockGemm(a: usize, ars: i32, acs: i32, b: usize, brs: i32, bcs: i32, c: usize, crs: i32,
  bias: usize, relu: bool, K: i32, m0: i32, m1: i32, n0: i32, n1: i32, scratch: usize): void {
  if (m0 >= m1) return;
  const brsB = <usize>brs << 2, bcsB = <usize>bcs << 2, crsB = <usize>crs << 2;
  // rows of A, contiguous in k: in place, or packed after the B panel
  let rows = a + <usize>m0 * (<usize>ars << 2), rowB = <usize>ars << 2;
  if (acs != 1) {
    rows = scratch + (<usize>K << 5);
    rowB = <usize>K << 2;
    packA(a, <usize>ars << 2, <usize>acs << 2, K, m0, m1, rows);
  }
  const last = m1 - m0 - 1;
  let n = n0;
  while (n + 4 <= n1) {
    const width = n + 8 <= n1 ? 8 : 4;
    packB(b + <usize>n * bcsB, brsB, bcsB, K, width, scratch);
    const bn = bias ? bias + (<usize>n << 2) : 0;
    for (let m = 0; m <= last; m += 4) {
      const a0 = rows + <usize>m * rowB;
      const a1 = rows + <usize>min(m + 1, last) * rowB, a2 = rows + <usize>min(m + 2, last) * rowB;
      const a3 = rows + <usize>min(m + 3, last) * rowB;
      const cp = c + <usize>(m0 + m) * crsB + (<usize>n << 2), rowsLeft = last - m + 1;
      if (width == 8) tile4x8(a0, a1, a2, a3, scratch, K, cp, crsB, rowsLeft, bn, relu);
      else tile4x4(a0, a1, a2, a3, scratch, K, cp, crsB, rowsLeft, bn, relu);
    }
    n += width;
  }
  for (; n < n1; n++) {
    column(rows, rowB, m0, m1, b + <usize>n * bcsB, brsB, K, c + (<usize>n << 2), crsB, bias ? bias + (<usize>n << 2) : 0, relu);
  }
}
