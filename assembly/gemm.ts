// One block GEMM on a work range: C[m, n] = act(bias[n] + Σ_k A(m, k)·B(k, n)) for m in [m0, m1), n in [n0, n1).
// A(m, k) = a[m*ars + k*acs], B(k, n) = b[k*brs + n*bcs], C(m, n) = c[m*crs + n]; strides in elements,
// pointers in bytes. The three block-linear GEMMs are this one with different strides:
//   forward      A = X_g, B = W_gᵀ (bcs = I: panels of 8 columns are packed into `scratch`)
//   input grad   A = dY_g, B = W_g
//   weight grad  A = dY_gᵀ (acs = G*O), B = X_g
import { madd } from './simd';

const ZERO = f32x4.splat(0);

/** Row m of A, clamped to the last valid row: a row tail recomputes that row instead of reading past A. */
@inline
function rowPtr(a: usize, ars: usize, m: i32, last: i32): usize {
  return a + <usize>min(m, last) * ars;
}

@inline
function epilogue(v: v128, bias: usize, off: usize, relu: bool): v128 {
  if (bias) v = f32x4.add(v, v128.load(bias + off));
  return relu ? f32x4.max(v, ZERO) : v; // max keeps NaN, like the reference relu
}

/** 4 rows × 8 columns of C in 8 f32x4 accumulators; B row k is 8 contiguous floats at b + k*brs. */
function tile4x8(a: usize, ars: usize, acs: usize, m: i32, last: i32, b: usize, brs: usize, K: i32,
  c: usize, crs: usize, bias: usize, relu: bool): void {
  let a0 = rowPtr(a, ars, m, last), a1 = rowPtr(a, ars, m + 1, last);
  let a2 = rowPtr(a, ars, m + 2, last), a3 = rowPtr(a, ars, m + 3, last);
  let c00 = ZERO, c01 = ZERO, c10 = ZERO, c11 = ZERO, c20 = ZERO, c21 = ZERO, c30 = ZERO, c31 = ZERO;
  for (let k = 0; k < K; k++) {
    const b0 = v128.load(b), b1 = v128.load(b, 16);
    let x = v128.load32_splat(a0);
    c00 = madd(x, b0, c00); c01 = madd(x, b1, c01);
    x = v128.load32_splat(a1);
    c10 = madd(x, b0, c10); c11 = madd(x, b1, c11);
    x = v128.load32_splat(a2);
    c20 = madd(x, b0, c20); c21 = madd(x, b1, c21);
    x = v128.load32_splat(a3);
    c30 = madd(x, b0, c30); c31 = madd(x, b1, c31);
    a0 += acs; a1 += acs; a2 += acs; a3 += acs; b += brs;
  }
  const rows = last - m + 1;
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

/** 4 rows × 4 columns: the column tail of 4..7 columns. */
function tile4x4(a: usize, ars: usize, acs: usize, m: i32, last: i32, b: usize, brs: usize, K: i32,
  c: usize, crs: usize, bias: usize, relu: bool): void {
  let a0 = rowPtr(a, ars, m, last), a1 = rowPtr(a, ars, m + 1, last);
  let a2 = rowPtr(a, ars, m + 2, last), a3 = rowPtr(a, ars, m + 3, last);
  let c0 = ZERO, c1 = ZERO, c2 = ZERO, c3 = ZERO;
  for (let k = 0; k < K; k++) {
    const b0 = v128.load(b);
    c0 = madd(v128.load32_splat(a0), b0, c0);
    c1 = madd(v128.load32_splat(a1), b0, c1);
    c2 = madd(v128.load32_splat(a2), b0, c2);
    c3 = madd(v128.load32_splat(a3), b0, c3);
    a0 += acs; a1 += acs; a2 += acs; a3 += acs; b += brs;
  }
  const rows = last - m + 1;
  v128.store(c, epilogue(c0, bias, 0, relu));
  if (rows > 1) v128.store(c + crs, epilogue(c1, bias, 0, relu));
  if (rows > 2) v128.store(c + 2 * crs, epilogue(c2, bias, 0, relu));
  if (rows > 3) v128.store(c + 3 * crs, epilogue(c3, bias, 0, relu));
}

/** One column of C, scalar: the last 0..3 columns. */
function column(a: usize, ars: usize, acs: usize, m0: i32, m1: i32, b: usize, brs: usize, K: i32,
  c: usize, crs: usize, bias: usize, relu: bool): void {
  for (let m = m0; m < m1; m++) {
    let acc: f32 = bias ? load<f32>(bias) : 0;
    let ap = a + <usize>m * ars, bp = b;
    for (let k = 0; k < K; k++) {
      acc += load<f32>(ap) * load<f32>(bp);
      ap += acs; bp += brs;
    }
    store<f32>(c + <usize>m * crs, relu ? max(acc, <f32>0) : acc);
  }
}

/** Copies `width` columns of B starting at column n into a contiguous [K, width] panel. */
function pack(b: usize, brs: usize, bcs: usize, K: i32, width: i32, dst: usize): void {
  for (let j = 0; j < width; j++) {
    let src = b + <usize>j * bcs, d = dst + (<usize>j << 2);
    for (let k = 0; k < K; k++) {
      store<f32>(d, load<f32>(src));
      src += brs; d += <usize>width << 2;
    }
  }
}

export function blockGemm(a: usize, ars: i32, acs: i32, b: usize, brs: i32, bcs: i32, c: usize, crs: i32,
  bias: usize, relu: bool, K: i32, m0: i32, m1: i32, n0: i32, n1: i32, scratch: usize): void {
  if (m0 >= m1) return;
  const arsB = <usize>ars << 2, acsB = <usize>acs << 2, brsB = <usize>brs << 2, bcsB = <usize>bcs << 2;
  const crsB = <usize>crs << 2, last = m1 - 1;
  const packed = bcs != 1;
  let n = n0;
  for (; n + 8 <= n1; n += 8) {
    let bp = b + <usize>n * bcsB, rs = brsB;
    if (packed) { pack(bp, brsB, bcsB, K, 8, scratch); bp = scratch; rs = 32; }
    const bn = bias ? bias + (<usize>n << 2) : 0;
    for (let m = m0; m < m1; m += 4) {
      tile4x8(a, arsB, acsB, m, min(m + 3, last), bp, rs, K, c + <usize>m * crsB + (<usize>n << 2), crsB, bn, relu);
    }
  }
  if (n + 4 <= n1) {
    let bp = b + <usize>n * bcsB, rs = brsB;
    if (packed) { pack(bp, brsB, bcsB, K, 4, scratch); bp = scratch; rs = 16; }
    const bn = bias ? bias + (<usize>n << 2) : 0;
    for (let m = m0; m < m1; m += 4) {
      tile4x4(a, arsB, acsB, m, min(m + 3, last), bp, rs, K, c + <usize>m * crsB + (<usize>n << 2), crsB, bn, relu);
    }
    n += 4;
  }
  for (; n < n1; n++) {
    column(a, arsB, acsB, m0, m1, b + <usize>n * bcsB, brsB, K, c + (<usize>n << 2), crsB, bias ? bias + (<usize>n << 2) : 0, relu);
  }
}
