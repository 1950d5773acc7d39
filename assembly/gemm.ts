// One block GEMM on a work range: C[m, n] = act(bias[n] + Σ_k A(m, k)·B(k, n)) for m in [m0, m1), n in [n0, n1).
// A(m, k) = a[m*ars + k*acs], B(k, n) = b[k*brs + n*bcs], C(m, n) = c[m*crs + n]; strides in elements,
// pointers in bytes. The three block-linear GEMMs are this one with different strides:
//   forward      A = X_g,          B = W_gᵀ (bcs = I)
//   input grad   A = dY_g,         B = W_g  (brs = I)
//   weight grad  A = dY_gᵀ (acs = G*O), B = X_g (brs = G*I)
// Both operands are packed into `scratch` first: A in groups of 5 or 4 rows ([K, 5] or [K, 4] each, read with one
// pointer and constant offsets; see FIVE_ROWS and FIVE_ROWS_MAX_K), B 8 columns at a time into a [K, 8] panel reused
// by every row group.
// Reading in place would walk rows a few kB apart per k, which all land in the same L1 sets and pages. The one
// exception: a weight grad whose k step is short (IN_PLACE_MAX_STEP) reads its groups of dyᵀ in place, already side
// by side.
// The epilogue adds the bias, stores the pre-activation where GELU's gradient needs it (zoff: the byte offset
// from C to that buffer, 0 for none) and applies the activation (act: 0 none, 1 ReLU, 2 GELU (erf), 3 GELU (tanh)).
import { gelu4, geluTanh4 } from './gelu';
import { packPatchPanel, packPatches } from './patches';
import { madd, storeTransposed } from './simd';

const ZERO = f32x4.splat(0);
/**
 * Whether blockGemm may pack A in groups of 5 rows, read by 5 × 8 tiles with fused multiply-adds (else 4 and 4 × 8,
 * a multiply then an add): in the relaxed-SIMD build, for K up to FIVE_ROWS_MAX_K, except where A is a convolution's
 * patch matrix (packPatches gathers 4 pixels of one output line with one load; 5 would cross lines at small images).
 * The 5 × 8 tile reads a group's first 4 values with one load and broadcasts each lane by a shuffle (rowValue: 10
 * accumulators, 2 B vectors, that load and one broadcast are 14 of V8's 15 vector registers; with 5 broadcast loads
 * V8 issues them all first and spills). One core, packed operands in L1:
 * 61–66 GFLOP/s against the 4 × 8 tile's 56–63 at K = 10, 64 and 256. In the engine, alternating with 4-row groups
 * in one process: digits training step 1.017× (1.013–1.021) on 1 thread; forward+backward on 2 threads at (16, 64)
 * 1.02–1.07× (two runs), at (16, 256) to (2, 4096) 1.00–1.02×; the GEMMs of 64 → 64 and 64 → 256 features alone
 * 1.00× (what holds those is not the chains' latency: BENCHMARKS.md's notes). Without fused multiply-adds the
 * shuffles cost more than the fifth row gains (55 GFLOP/s against 62).
 */
const FIVE_ROWS = ASC_FEATURE_RELAXED_SIMD;
/**
 * The longest K that takes groups of 5 rows. Longer, groups of 4 with a multiply then an add (the plain build's
 * tile) read faster: 8 fused chains wait on the multiply-add's latency, while an add's is shorter and the multiplies
 * and adds go to different pipes. Alternating with 5-row groups at every K in one process, relaxed SIMD, 1 thread: the
 * GEMMs of K = 256 and 512 1.02–1.06× (forward, dx), K = 64 and 128 1.00–1.01×, except 4 × 256 → 10 forward 0.95×
 * (its 2 last columns take the narrow tile); forward+backward on 2 threads at (8, 512) 1.02×, (4, 1024) 1.02×,
 * (2, 4096) 1.03×, (16, 256) 1.04×, (16, 64) 1.03×; grouped convolutions 1.02–1.04×; the digits step 1.00×. At every K
 * (the plain build's tile for all), (16, 64) read 0.965× and the GEMMs of K = 64 and 128 0.96–0.99×.
 */
const FIVE_ROWS_MAX_K = 128;
/**
 * The longest k step (elements) at which blockGemm reads A's groups of rows in place where they are already side by
 * side (dW's dyᵀ: ars = 1, acs = G·O) instead of packing them. Digits training step (dW of G·O = 256 and 40) against
 * packing, alternating in one process: 1.024× (1.017–1.031) on 1 thread; no step limit read 0.80–0.88× at the
 * benchmark grid's points (G·O ≥ 1024: each k a line of its own, the lines 4 KiB and more apart crowd a few L1 sets).
 */
const IN_PLACE_MAX_STEP = 256;
/** Elements B's rows must span (K · brs) for blockGemm to overlap packing its panels with the tiles (see there). */
const OVERLAP_SPAN: i64 = 1 << 16;

/** The epilogue's activation of 4 values (act as above). */
@inline
function activate(v: v128, act: i32): v128 {
  if (act == 1) return f32x4.max(v, ZERO); // max keeps NaN, like the reference relu
  if (act == 2) return gelu4(v);
  if (act == 3) return geluTanh4(v);
  return v;
}

/** Stores 4 values of C at c + off: act(v + bias), and v + bias at c + zoff + off when zoff is set; acc: v adds to what C holds. */
@inline
function emit(c: usize, off: usize, v: v128, acc: bool, bias: usize, act: i32, zoff: usize): void {
  if (acc) v = f32x4.add(v, v128.load(c + off));
  if (bias) v = f32x4.add(v, v128.load(bias + off));
  if (zoff) v128.store(c + zoff + off, v);
  v128.store(c + off, activate(v, act));
}

/** emit for one value of C at `at` (bias: the address of its bias, or 0). */
@inline
function emitOne(at: usize, v: f32, acc: bool, bias: usize, act: i32, zoff: usize): void {
  if (acc) v += load<f32>(at);
  if (bias) v += load<f32>(bias);
  if (zoff) store<f32>(at + zoff, v);
  store<f32>(at, act == 0 ? v : f32x4.extract_lane(activate(f32x4.splat(v), act), 0));
}

/** A tile's multiply-add, c + x·b: fused for groups of 5, a multiply then an add for groups of 4 (see FIVE_ROWS_MAX_K). */
@inline
function tileMadd(five: bool, x: v128, b: v128, c: v128): v128 {
  return five ? madd(x, b, c) : f32x4.add(c, f32x4.mul(x, b));
}

/** Lane r (0..3) of q in all 4 lanes. */
@inline
function broadcastLane(q: v128, r: i32): v128 {
  if (r == 0) return v128.shuffle<f32>(q, q, 0, 0, 0, 0);
  if (r == 1) return v128.shuffle<f32>(q, q, 1, 1, 1, 1);
  if (r == 2) return v128.shuffle<f32>(q, q, 2, 2, 2, 2);
  return v128.shuffle<f32>(q, q, 3, 3, 3, 3);
}

/**
 * Row r's k-th value of a packed group at a, in all 4 lanes: in a group of 5, rows 0–3 a lane of q (the group's first
 * 4 values, loaded once per k) and row 4 a broadcast load; in a group of 4, a broadcast load (q unused).
 */
@inline
function rowValue(a: usize, q: v128, r: i32, five: bool): v128 {
  if (five) return r < 4 ? broadcastLane(q, r) : v128.load32_splat(a, 16);
  if (r == 0) return v128.load32_splat(a);
  if (r == 1) return v128.load32_splat(a, 4);
  if (r == 2) return v128.load32_splat(a, 8);
  return v128.load32_splat(a, 12);
}

/**
 * 5 (five) or 4 rows × 8 columns of C in 10 or 8 f32x4 accumulators. a: a group of A, its rows' k-th values side by
 * side (rowValue), the k-th at a + k·ks bytes (20 or 16 packed), b: the [K, 8] B panel, rows: rows of C to store.
 * k is not unrolled here: Binaryen would then regroup the steps per accumulator, which needs more than 16 registers and
 * spills. V8 unrolls it instead where it nests deep enough: TurboFan unrolls a wasm loop min(5, 50·(depth + 1) / size)
 * times (Node 20's V8, src/compiler/loop-unrolling.h), so inlined in gemmFour's loops it is unrolled, alone in a
 * function of its own not. Groups of 4 are inlined: called, the (8, 512) forward on 1 thread read 46 GFLOP/s against
 * 54 (and 46.6–46.9 inlined with --no-wasm-loop-unrolling). Groups of 5 are called (tile8Five): inlining read 0.96–0.98× at
 * (8, 512), (4, 1024), (16, 256) forward+backward on 2 threads (its 14 registers leave the unrolled copies no room).
 */
@inline
function tile8(five: bool, a: usize, ks: usize, b: usize, K: i32, c: usize, crs: usize, rows: i32, acc: bool, bias: usize, act: i32, zoff: usize): void {
  let c00 = ZERO, c01 = ZERO, c10 = ZERO, c11 = ZERO, c20 = ZERO, c21 = ZERO, c30 = ZERO, c31 = ZERO, c40 = ZERO, c41 = ZERO;
  for (const end = b + (<usize>K << 5); b < end; b += 32) {
    const b0 = v128.load(b), b1 = v128.load(b, 16), q = five ? v128.load(a) : ZERO;
    let x = rowValue(a, q, 0, five); c00 = tileMadd(five, x, b0, c00); c01 = tileMadd(five, x, b1, c01);
    x = rowValue(a, q, 1, five); c10 = tileMadd(five, x, b0, c10); c11 = tileMadd(five, x, b1, c11);
    x = rowValue(a, q, 2, five); c20 = tileMadd(five, x, b0, c20); c21 = tileMadd(five, x, b1, c21);
    x = rowValue(a, q, 3, five); c30 = tileMadd(five, x, b0, c30); c31 = tileMadd(five, x, b1, c31);
    if (five) {
      x = rowValue(a, q, 4, five); c40 = tileMadd(five, x, b0, c40); c41 = tileMadd(five, x, b1, c41);
    }
    a += ks;
  }
  emit(c, 0, c00, acc, bias, act, zoff); emit(c, 16, c01, acc, bias, act, zoff);
  if (rows < 2) return;
  c += crs;
  emit(c, 0, c10, acc, bias, act, zoff); emit(c, 16, c11, acc, bias, act, zoff);
  if (rows < 3) return;
  c += crs;
  emit(c, 0, c20, acc, bias, act, zoff); emit(c, 16, c21, acc, bias, act, zoff);
  if (rows < 4) return;
  c += crs;
  emit(c, 0, c30, acc, bias, act, zoff); emit(c, 16, c31, acc, bias, act, zoff);
  if (five && rows > 4) {
    c += crs;
    emit(c, 0, c40, acc, bias, act, zoff); emit(c, 16, c41, acc, bias, act, zoff);
  }
}

/** tile8 on groups of 5 rows, as a function of its own. */
function tile8Five(a: usize, ks: usize, b: usize, K: i32, c: usize, crs: usize, rows: i32, acc: bool, bias: usize, act: i32, zoff: usize): void {
  tile8(true, a, ks, b, K, c, crs, rows, acc, bias, act, zoff);
}

/**
 * Columns [n, n + cols) of C (cols 1..4, the panel zero-padded past cols) for the rows of two packed groups, at a and
 * a + next (next 0: the one group twice, when only it is left): each accumulator one row's 4 columns, a step one B
 * load and each group's first 4 values in one load, each lane broadcast by a shuffle (broadcast loads of every row
 * would be 9 or 11 loads, which V8 issues first and spills), so 8 or 10 chains keep both multiply-add pipes busy (a
 * single group's 4 waited on their latency). Against the 8 × 4 product it replaces (rows as lanes, transposed at
 * the end): 10 rows 62.6–64.1 GFLOP/s against 58.0–58.9 at K = 10, 64 and 256 on one core (relaxed SIMD); in the
 * plain build, 8 rows, forward G 4, 64 → 10 at B = 128 0.95×. rows: rows of C to store; tmp: 16 bytes of scratch.
 */
@inline
function tile4(five: bool, a: usize, next: usize, b: usize, K: i32, c: usize, crs: usize, rows: i32, cols: i32, acc: bool, bias: usize, act: i32, zoff: usize, tmp: usize): void {
  let c0 = ZERO, c1 = ZERO, c2 = ZERO, c3 = ZERO, c4 = ZERO, c5 = ZERO, c6 = ZERO, c7 = ZERO, c8 = ZERO, c9 = ZERO;
  let e = a + next;
  const step: usize = five ? 20 : 16, group = five ? 5 : 4;
  for (const end = b + (<usize>K << 4); b < end; b += 16) {
    const v = v128.load(b);
    let q = v128.load(a);
    c0 = tileMadd(five, broadcastLane(q, 0), v, c0); c1 = tileMadd(five, broadcastLane(q, 1), v, c1);
    c2 = tileMadd(five, broadcastLane(q, 2), v, c2); c3 = tileMadd(five, broadcastLane(q, 3), v, c3);
    if (five) c4 = tileMadd(five, v128.load32_splat(a, 16), v, c4);
    q = v128.load(e);
    c5 = tileMadd(five, broadcastLane(q, 0), v, c5); c6 = tileMadd(five, broadcastLane(q, 1), v, c6);
    c7 = tileMadd(five, broadcastLane(q, 2), v, c7); c8 = tileMadd(five, broadcastLane(q, 3), v, c8);
    if (five) c9 = tileMadd(five, v128.load32_splat(e, 16), v, c9);
    a += step; e += step;
  }
  const n = min(rows, 2 * group);
  emitColumns(c, c0, cols, acc, bias, act, zoff, tmp);
  if (n < 2) return;
  emitColumns(c += crs, c1, cols, acc, bias, act, zoff, tmp);
  if (n < 3) return;
  emitColumns(c += crs, c2, cols, acc, bias, act, zoff, tmp);
  if (n < 4) return;
  emitColumns(c += crs, c3, cols, acc, bias, act, zoff, tmp);
  if (five) {
    if (n < 5) return;
    emitColumns(c += crs, c4, cols, acc, bias, act, zoff, tmp);
  }
  if (n < group + 1) return;
  emitColumns(c += crs, c5, cols, acc, bias, act, zoff, tmp);
  if (n < group + 2) return;
  emitColumns(c += crs, c6, cols, acc, bias, act, zoff, tmp);
  if (n < group + 3) return;
  emitColumns(c += crs, c7, cols, acc, bias, act, zoff, tmp);
  if (n < group + 4) return;
  emitColumns(c += crs, c8, cols, acc, bias, act, zoff, tmp);
  if (five && n > 9) emitColumns(c += crs, c9, cols, acc, bias, act, zoff, tmp);
}

/** tile4 on groups of 5 rows. */
function tile4Five(a: usize, next: usize, b: usize, K: i32, c: usize, crs: usize, rows: i32, cols: i32, acc: bool, bias: usize, act: i32, zoff: usize, tmp: usize): void {
  tile4(true, a, next, b, K, c, crs, rows, cols, acc, bias, act, zoff, tmp);
}

/** tile4 on groups of 4 rows. */
function tile4Four(a: usize, next: usize, b: usize, K: i32, c: usize, crs: usize, rows: i32, cols: i32, acc: bool, bias: usize, act: i32, zoff: usize, tmp: usize): void {
  tile4(false, a, next, b, K, c, crs, rows, cols, acc, bias, act, zoff, tmp);
}

/** The first cols (1..4) values of one row of C at c from v: emit for 4, else value by value (through tmp). */
@inline
function emitColumns(c: usize, v: v128, cols: i32, acc: bool, bias: usize, act: i32, zoff: usize, tmp: usize): void {
  if (cols == 4) {
    emit(c, 0, v, acc, bias, act, zoff);
    return;
  }
  v128.store(tmp, v);
  for (let j = 0; j < cols; j++) {
    emitOne(c + (<usize>j << 2), load<f32>(tmp + (<usize>j << 2)), acc, bias ? bias + (<usize>j << 2) : 0, act, zoff);
  }
}

/**
 * Writes K values of each of 4 streams (the k-th at r + k·kBytes) side by side: the 4 k-th values at
 * dst + k·dstStride. Streams contiguous in k (kBytes = 4) go 4 k at a time through 4 × 4 transposes.
 */
@inline
function interleave4(r0: usize, r1: usize, r2: usize, r3: usize, kBytes: usize, K: i32, dst: usize, dstStride: usize): void {
  let k = 0;
  if (kBytes == 4) {
    for (; k + 4 <= K; k += 4) {
      const o = <usize>k << 2;
      storeTransposed(v128.load(r0 + o), v128.load(r1 + o), v128.load(r2 + o), v128.load(r3 + o), dst + <usize>k * dstStride, dstStride);
    }
  }
  for (; k < K; k++) {
    const o = <usize>k * kBytes, d = dst + <usize>k * dstStride;
    store<f32>(d, load<f32>(r0 + o));
    store<f32>(d, load<f32>(r1 + o), 4);
    store<f32>(d, load<f32>(r2 + o), 8);
    store<f32>(d, load<f32>(r3 + o), 12);
  }
}

/**
 * Writes K values of each of 5 streams (the k-th at r + k·kBytes) side by side, the 5 k-th values at dst + 20·k.
 * Streams contiguous in k go 4 k at a time: the 4 × 4 transpose of streams 0–3 and stream 4's 4 values make the
 * 5 vectors of those 4 k (with stream 4 copied value by value beside interleave4 instead, forward G 4, 64 → 10 at
 * B = 128 read 0.86× of the 4-row build; with this, 0.97–0.98×).
 */
@inline
function interleave5(r0: usize, r1: usize, r2: usize, r3: usize, r4: usize, kBytes: usize, K: i32, dst: usize): void {
  let k = 0;
  if (kBytes == 4) {
    for (; k + 4 <= K; k += 4) {
      const o = <usize>k << 2, d = dst + <usize>k * 20;
      const a0 = v128.load(r0 + o), a1 = v128.load(r1 + o), a2 = v128.load(r2 + o), a3 = v128.load(r3 + o), e = v128.load(r4 + o);
      const u0 = v128.shuffle<f32>(a0, a1, 0, 4, 1, 5), u1 = v128.shuffle<f32>(a2, a3, 0, 4, 1, 5);
      const u2 = v128.shuffle<f32>(a0, a1, 2, 6, 3, 7), u3 = v128.shuffle<f32>(a2, a3, 2, 6, 3, 7);
      // t_j: streams 0–3 at k + j
      const t0 = v128.shuffle<f32>(u0, u1, 0, 1, 4, 5), t1 = v128.shuffle<f32>(u0, u1, 2, 3, 6, 7);
      const t2 = v128.shuffle<f32>(u2, u3, 0, 1, 4, 5), t3 = v128.shuffle<f32>(u2, u3, 2, 3, 6, 7);
      v128.store(d, t0);
      v128.store(d, v128.shuffle<f32>(e, t1, 0, 4, 5, 6), 16);
      v128.store(d, v128.shuffle<f32>(v128.shuffle<f32>(t1, e, 3, 5, 3, 5), t2, 0, 1, 4, 5), 32);
      v128.store(d, v128.shuffle<f32>(v128.shuffle<f32>(t2, e, 2, 3, 6, 6), t3, 0, 1, 2, 4), 48);
      v128.store(d, v128.shuffle<f32>(t3, e, 1, 2, 3, 7), 64);
    }
  }
  for (; k < K; k++) {
    const o = <usize>k * kBytes, d = dst + <usize>k * 20;
    store<f32>(d, load<f32>(r0 + o));
    store<f32>(d, load<f32>(r1 + o), 4);
    store<f32>(d, load<f32>(r2 + o), 8);
    store<f32>(d, load<f32>(r3 + o), 12);
    store<f32>(d, load<f32>(r4 + o), 16);
  }
}

/**
 * Copies `cols` (1..8) columns of B, starting at b, into a contiguous [K, width] panel (width 4 or 8);
 * columns cols..width-1 of the panel are zeros. Rows contiguous (bcs = 4 bytes) copy 4 or 8 lanes per k;
 * columns contiguous (brs = 4 bytes, the forward's Wᵀ) go through 4 × 4 transposes, 4 columns at a time.
 */
function packB(b: usize, brs: usize, bcs: usize, K: i32, cols: i32, width: i32, dst: usize): void {
  const step = <usize>width << 2;
  if (bcs == 4 && cols == width) {
    for (let k = 0; k < K; k++) {
      v128.store(dst, v128.load(b));
      if (width == 8) v128.store(dst, v128.load(b, 16), 16);
      b += brs; dst += step;
    }
    return;
  }
  let j = 0;
  if (brs == 4) {
    for (; j + 4 <= cols; j += 4) {
      const c0 = b + <usize>j * bcs;
      interleave4(c0, c0 + bcs, c0 + 2 * bcs, c0 + 3 * bcs, 4, K, dst + (<usize>j << 2), step);
    }
  }
  for (; j < width; j++) {
    let src = b + <usize>j * bcs, d = dst + (<usize>j << 2);
    if (j < cols) {
      for (let k = 0; k < K; k++) {
        store<f32>(d, load<f32>(src));
        src += brs; d += step;
      }
    } else {
      for (let k = 0; k < K; k++, d += step) store<f32>(d, 0);
    }
  }
}

/**
 * Packs rows [0, rows) of A (a points at the first) into groups of 5 (five) or 4 rows, each a [K, 5] or [K, 4] block
 * with the rows' k-th values side by side; a missing row of the last group repeats the last row.
 */
function packA(five: bool, a: usize, ars: usize, acs: usize, K: i32, rows: i32, dst: usize): void {
  const group = five ? 5 : 4, step = <usize>group << 2;
  for (let m = 0; m < rows; m += group) {
    const r0 = a + <usize>m * ars, r1 = a + <usize>min(m + 1, rows - 1) * ars;
    const r2 = a + <usize>min(m + 2, rows - 1) * ars, r3 = a + <usize>min(m + 3, rows - 1) * ars;
    if (acs != 4 && ars == 4 && m + group <= rows) {
      // the group's k-th values are already side by side
      for (let k = 0; k < K; k++) {
        const src = r0 + <usize>k * acs, d = dst + <usize>k * step;
        v128.store(d, v128.load(src));
        if (five) store<f32>(d, load<f32>(src, 16), 16);
      }
    } else if (five) {
      interleave5(r0, r1, r2, r3, a + <usize>min(m + 4, rows - 1) * ars, acs, K, dst);
    } else {
      interleave4(r0, r1, r2, r3, acs, K, dst, step);
    }
    dst += <usize>K * step;
  }
}

/** Lane j of the result: the sum of the 4 lanes of s_j. */
@inline
function sums4(s0: v128, s1: v128, s2: v128, s3: v128): v128 {
  const u0 = f32x4.add(v128.shuffle<f32>(s0, s1, 0, 4, 1, 5), v128.shuffle<f32>(s0, s1, 2, 6, 3, 7));
  const u1 = f32x4.add(v128.shuffle<f32>(s2, s3, 0, 4, 1, 5), v128.shuffle<f32>(s2, s3, 2, 6, 3, 7));
  return f32x4.add(v128.shuffle<f32>(u0, u1, 0, 1, 4, 5), v128.shuffle<f32>(u0, u1, 2, 3, 6, 7));
}

/**
 * C over rows [m0, m1) (fewer than 4) and columns [n0, n1) where both A's rows and B's columns are contiguous
 * in k (the forward's x and W rows): each value a dot product read in place, 4 columns at a time, 4 k per step.
 * Packing would copy all of B to compute a tile of 4 rows, most of a one-row forward's time.
 */
function dotRows(a: usize, arsB: usize, b: usize, bcsB: usize, c: usize, crsB: usize, bias: usize, act: i32, zoff: usize, K: i32, m0: i32, m1: i32, n0: i32, n1: i32): void {
  const K4 = K & ~3;
  for (let m = m0; m < m1; m++) {
    const x = a + <usize>m * arsB, row = c + <usize>m * crsB;
    let n = n0;
    for (; n + 4 <= n1; n += 4) {
      const w0 = b + <usize>n * bcsB, w1 = w0 + bcsB, w2 = w1 + bcsB, w3 = w2 + bcsB;
      let s0 = ZERO, s1 = ZERO, s2 = ZERO, s3 = ZERO;
      for (let k = 0; k < K4; k += 4) {
        const o = <usize>k << 2, xv = v128.load(x + o);
        s0 = madd(xv, v128.load(w0 + o), s0);
        s1 = madd(xv, v128.load(w1 + o), s1);
        s2 = madd(xv, v128.load(w2 + o), s2);
        s3 = madd(xv, v128.load(w3 + o), s3);
      }
      let v = sums4(s0, s1, s2, s3);
      for (let k = K4; k < K; k++) {
        const o = <usize>k << 2;
        const wk = f32x4(load<f32>(w0 + o), load<f32>(w1 + o), load<f32>(w2 + o), load<f32>(w3 + o));
        v = madd(f32x4.splat(load<f32>(x + o)), wk, v);
      }
      emit(row, <usize>n << 2, v, false, bias, act, zoff);
    }
    for (; n < n1; n++) {
      // as a lane of the loop above (4 k per step, the lanes summed as sums4 does): 4 times fewer dependent adds than one k per step
      const w = b + <usize>n * bcsB;
      let s = ZERO;
      for (let k = 0; k < K4; k += 4) s = madd(v128.load(x + (<usize>k << 2)), v128.load(w + (<usize>k << 2)), s);
      let v = sums4(s, s, s, s);
      for (let k = K4; k < K; k++) v = madd(f32x4.splat(load<f32>(x + (<usize>k << 2))), f32x4.splat(load<f32>(w + (<usize>k << 2))), v);
      emitOne(row + (<usize>n << 2), f32x4.extract_lane(v, 0), false, bias ? bias + (<usize>n << 2) : 0, act, zoff);
    }
  }
}

/** Columns in the B panel that starts `left` columns before the end: 8, 4, or the last 1..3. */
@inline
function panelCols(left: i32): i32 {
  return left >= 8 ? 8 : left >= 4 ? 4 : left;
}

/**
 * Packs rows [ks, ks + kn) of the k step at k0 of B's panel of `cols` columns at column n into the panel at dst
 * (8 wide for 8 columns, else 4; its row ks at dst + ks·width·4): from the patch matrix of the image at b when
 * patchesAreB, else from B in place.
 */
@inline
function packPanelRows(b: usize, brsB: usize, bcsB: usize, patches: usize, patchesAreB: bool, k0: i32, ks: i32, kn: i32, n: i32, cols: i32, dst: usize): void {
  const width = cols == 8 ? 8 : 4, at = dst + (<usize>(ks * width) << 2);
  if (patches && patchesAreB) packPatchPanel(b, patches, k0 + ks, kn, n, cols, width, at);
  else packB(b + <usize>(k0 + ks) * brsB + <usize>n * bcsB, brsB, bcsB, kn, cols, width, at);
}

/** One slice of the next panel while the tiles read the current one (rows [ks, ks + kn), B in place); returns ks + kn. */
@inline
function packSlice(b: usize, brsB: usize, bcsB: usize, k0: i32, ks: i32, kn: i32, n: i32, cols: i32, dst: usize): i32 {
  packPanelRows(b, brsB, bcsB, 0, false, k0, ks, kn, n, cols, dst);
  return ks + kn;
}

/**
 * C over rows [m0, m1) and columns [n0, n1), cache-blocked: rows in chunks of MC (every B panel passes over
 * one chunk's packed A) and k in steps of KC (both chosen in src/backend/wasm/tiling.ts), each step after the
 * first adding to C; the bias and activation apply at the last step. With a walk (patches ≠ 0), A (or B, when
 * patchesAreB) is the patch matrix of the image at a (or b), packed straight from it (see patches.ts).
 * `scratch` holds two [KC, 8] B panels (32·KC bytes each), a row chunk of A packed in groups of 5 or 4 rows (20·KC or
 * 16·KC bytes per group; 5 where FIVE_ROWS and FIVE_ROWS_MAX_K allow), then 16 bytes for tile4's last columns.
 */
export function blockGemm(a: usize, ars: i32, acs: i32, b: usize, brs: i32, bcs: i32, c: usize, crs: i32,
  bias: usize, act: i32, zoff: usize, K: i32, m0: i32, m1: i32, n0: i32, n1: i32, KC: i32, MC: i32, patches: usize, patchesAreB: bool, scratch: usize): void {
  if (m0 >= m1) return;
  // only a GEMM of fewer than 4 rows (a task's rows start at 0 and MT is a multiple of 4): a split's last 1..3 rows
  // take the tiles, as they do on 1 thread, so that the bits do not depend on the thread count
  if (m0 == 0 && m1 < 4 && !patches && acs == 1 && brs == 1) return dotRows(a, <usize>ars << 2, b, <usize>bcs << 2, c, <usize>crs << 2, bias, act, zoff, K, m0, m1, n0, n1);
  if (FIVE_ROWS && !(patches && !patchesAreB) && K <= FIVE_ROWS_MAX_K) gemmFive(a, ars, acs, b, brs, bcs, c, crs, bias, act, zoff, K, m0, m1, n0, n1, KC, MC, patches, patchesAreB, scratch);
  else gemmFour(a, ars, acs, b, brs, bcs, c, crs, bias, act, zoff, K, m0, m1, n0, n1, KC, MC, patches, patchesAreB, scratch);
}

/** blockGemm on groups of 5 rows. */
function gemmFive(a: usize, ars: i32, acs: i32, b: usize, brs: i32, bcs: i32, c: usize, crs: i32,
  bias: usize, act: i32, zoff: usize, K: i32, m0: i32, m1: i32, n0: i32, n1: i32, KC: i32, MC: i32, patches: usize, patchesAreB: bool, scratch: usize): void {
  blockGemmLoops(true, a, ars, acs, b, brs, bcs, c, crs, bias, act, zoff, K, m0, m1, n0, n1, KC, MC, patches, patchesAreB, scratch);
}

/** blockGemm on groups of 4 rows. */
function gemmFour(a: usize, ars: i32, acs: i32, b: usize, brs: i32, bcs: i32, c: usize, crs: i32,
  bias: usize, act: i32, zoff: usize, K: i32, m0: i32, m1: i32, n0: i32, n1: i32, KC: i32, MC: i32, patches: usize, patchesAreB: bool, scratch: usize): void {
  blockGemmLoops(false, a, ars, acs, b, brs, bcs, c, crs, bias, act, zoff, K, m0, m1, n0, n1, KC, MC, patches, patchesAreB, scratch);
}

/**
 * blockGemm's loops on groups of 5 (five) or 4 rows, past its dotRows case: one copy for each (gemmFive, gemmFour), so
 * that V8 compiles and unrolls each on its own (see tile8).
 */
@inline
function blockGemmLoops(five: bool, a: usize, ars: i32, acs: i32, b: usize, brs: i32, bcs: i32, c: usize, crs: i32,
  bias: usize, act: i32, zoff: usize, K: i32, m0: i32, m1: i32, n0: i32, n1: i32, KC: i32, MC: i32, patches: usize, patchesAreB: bool, scratch: usize): void {
  const arsB = <usize>ars << 2, acsB = <usize>acs << 2, brsB = <usize>brs << 2, bcsB = <usize>bcs << 2, crsB = <usize>crs << 2;
  // as overlapsPanels in src/backend/wasm/tiling.ts, which sizes KC for it
  const overlap = bcs == 1 && !patches && <i64>K * brs >= OVERLAP_SPAN;
  const inPlace = !patches && ars == 1 && acs <= IN_PLACE_MAX_STEP && (n1 - n0) % 8 == 0;
  const rowsPer = five ? 5 : 4, groupStep: usize = five ? 20 : 16;
  const depth = min(K, KC), panelBytes = <usize>depth << 5, packed = scratch + 2 * panelBytes, tmp = packed + <usize>((min(m1 - m0, MC) + rowsPer - 1) / rowsPer) * <usize>depth * groupStep;
  for (let r0 = m0; r0 < m1; r0 += MC) {
    const rows = min(MC, m1 - r0);
    // k0 == 0 runs once even for K = 0, so that C still gets its bias
    for (let k0 = 0; k0 == 0 || k0 < K; k0 += KC) {
      const kc = min(KC, K - k0), acc = k0 > 0, last = k0 + kc >= K, group = <usize>kc * groupStep;
      const bk = last ? bias : 0, actk = last ? act : 0, zk = last ? zoff : 0;
      if (patches && !patchesAreB) packPatches(a, patches, r0, rows, k0, kc, packed);
      else if (inPlace) {
        const whole = rows - rows % rowsPer; // full groups are read in place; a last, shorter group is packed where it would go
        if (whole < rows) packA(five, a + <usize>(r0 + whole) * arsB + <usize>k0 * acsB, arsB, acsB, kc, rows - whole, packed + <usize>(whole / rowsPer) * group);
      } else packA(five, a + <usize>r0 * arsB + <usize>k0 * acsB, arsB, acsB, kc, rows, packed);
      // the B panels in two buffers: where B's rows are contiguous (dx's W, dW's x) and span 256 KiB or more, a
      // panel reads a short run from each of kc rows far apart, mostly out of cache, so while the tiles read one
      // panel each row step packs a slice of the next into the other, overlapping those loads with the tiles'
      // multiply-adds; else the next panel is packed after them
      let n = n0, cols = panelCols(n1 - n0), panel = scratch, next = scratch + panelBytes;
      packPanelRows(b, brsB, bcsB, patches, patchesAreB, k0, 0, kc, n, cols, panel);
      while (n < n1) {
        const after = n + cols, nextCols = after < n1 ? panelCols(n1 - after) : 0;
        const steps = cols == 8 ? (rows + rowsPer - 1) / rowsPer : (rows + 2 * rowsPer - 1) / (2 * rowsPer), slice = overlap ? ((kc + steps - 1) / steps + 3) & ~3 : 0;
        let ks = nextCols ? 0 : kc;
        const bn = bk ? bk + (<usize>n << 2) : 0;
        if (cols == 8) {
          for (let m = 0; m < rows; m += rowsPer) {
            const here = inPlace && m + rowsPer <= rows, cp = c + <usize>(r0 + m) * crsB + (<usize>n << 2);
            const ap = here ? a + <usize>(r0 + m) * arsB + <usize>k0 * acsB : packed + <usize>(m / rowsPer) * group, kStep = here ? acsB : groupStep;
            if (five) tile8Five(ap, kStep, panel, kc, cp, crsB, rows - m, acc, bn, actk, zk);
            else tile8(false, ap, kStep, panel, kc, cp, crsB, rows - m, acc, bn, actk, zk);
            if (slice && ks < kc) ks = packSlice(b, brsB, bcsB, k0, ks, min(slice, kc - ks), after, nextCols, next);
          }
        } else {
          for (let m = 0; m < rows; m += 2 * rowsPer) { // the narrow tiles take two groups of rows
            const ap = packed + <usize>(m / rowsPer) * group, cp = c + <usize>(r0 + m) * crsB + (<usize>n << 2), nextGroup = m + rowsPer < rows ? group : 0;
            if (five) tile4Five(ap, nextGroup, panel, kc, cp, crsB, rows - m, cols, acc, bn, actk, zk, tmp);
            else tile4Four(ap, nextGroup, panel, kc, cp, crsB, rows - m, cols, acc, bn, actk, zk, tmp);
            if (slice && ks < kc) ks = packSlice(b, brsB, bcsB, k0, ks, min(slice, kc - ks), after, nextCols, next);
          }
        }
        if (ks < kc) packPanelRows(b, brsB, bcsB, patches, patchesAreB, k0, ks, kc - ks, after, nextCols, next);
        n = after; cols = nextCols;
        const used = panel; panel = next; next = used;
      }
    }
  }
}
