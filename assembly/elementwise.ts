// Elementwise kernels on the work range [start, end) of the output: f32x4 over runs of 4, scalar tails.
// Each exported kernel switches on the op once and calls an @inline loop with the op as a literal, so
// that after inlining Binaryen folds the per-element switch away: one specialised loop per op.
import { Binary, Unary } from './table.generated';
import { rowOffset, size4, step4 } from './strided';
import { erf4 } from './erf';
import { tanh4 } from './tanh';
import { exp4 } from './exp';

const ZERO = f32x4.splat(0);
const ONE = f32x4.splat(1);

export function fill(out: usize, value: f32, start: i32, end: i32): void {
  const v = f32x4.splat(value);
  let p = out + (<usize>start << 2);
  const stop = out + (<usize>end << 2);
  for (; p + 16 <= stop; p += 16) v128.store(p, v);
  for (; p < stop; p += 4) store<f32>(p, value);
}

@inline
function unaryOne(op: i32, v: f32): f32 {
  switch (op) {
    case Unary.neg: return -v;
    case Unary.exp: case Unary.tanh: case Unary.sigmoid: case Unary.erf: // the lanes' formula: same bits wherever the split falls
      return f32x4.extract_lane(unaryVec(op, f32x4.splat(v)), 0);
    case Unary.log: return Mathf.log(v);
    case Unary.relu: return max(v, <f32>0); // f32.max keeps NaN
    case Unary.sqrt: return Mathf.sqrt(v);
    case Unary.abs: return Mathf.abs(v);
    case Unary.softplus: return v > 20 ? v : <f32>Math.log1p(Math.exp(<f64>v)); // PyTorch's threshold 20
    default: return NaN; // unreachable: the host sends only the op table's codes
  }
}

/** The unary ops with a lane-wise SIMD form (an instruction with the same IEEE result per lane, or a polynomial as exp4); others run scalar. */
@inline
function unaryVec(op: i32, v: v128): v128 {
  switch (op) {
    case Unary.neg: return f32x4.neg(v);
    case Unary.relu: return f32x4.max(v, ZERO); // f32x4.max keeps NaN, like f32.max
    case Unary.sqrt: return f32x4.sqrt(v);
    case Unary.tanh: return tanh4(v); // within about 1e-7 relative of tanh
    case Unary.erf: return erf4(v);
    case Unary.exp: return exp4(v);
    case Unary.sigmoid: return f32x4.div(ONE, f32x4.add(ONE, exp4(f32x4.neg(v))));
    default: return f32x4.abs(v); // abs: unaryRun asks for the vector form only of the ops above
  }
}

@inline
function unaryRun(op: i32, vector: bool, x: usize, out: usize, start: i32, end: i32): void {
  let i = start;
  if (vector) {
    for (; i + 4 <= end; i += 4) {
      const o = <usize>i << 2;
      v128.store(out + o, unaryVec(op, v128.load(x + o)));
    }
  }
  for (; i < end; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, unaryOne(op, load<f32>(x + o)));
  }
}

export function unary(op: i32, x: usize, out: usize, start: i32, end: i32): void {
  switch (op) {
    case Unary.neg: unaryRun(Unary.neg, true, x, out, start, end); break;
    case Unary.exp: unaryRun(Unary.exp, true, x, out, start, end); break;
    case Unary.log: unaryRun(Unary.log, false, x, out, start, end); break;
    case Unary.tanh: unaryRun(Unary.tanh, true, x, out, start, end); break;
    case Unary.sigmoid: unaryRun(Unary.sigmoid, true, x, out, start, end); break;
    case Unary.relu: unaryRun(Unary.relu, true, x, out, start, end); break;
    case Unary.sqrt: unaryRun(Unary.sqrt, true, x, out, start, end); break;
    case Unary.abs: unaryRun(Unary.abs, true, x, out, start, end); break;
    case Unary.erf: unaryRun(Unary.erf, true, x, out, start, end); break;
    case Unary.softplus: unaryRun(Unary.softplus, false, x, out, start, end); break;
  }
}

@inline
function binaryOne(op: i32, a: f32, b: f32): f32 {
  switch (op) {
    case Binary.add: return a + b;
    case Binary.sub: return a - b;
    case Binary.mul: return a * b;
    case Binary.div: return a / b;
    case Binary.max: return max(a, b); // NaN if either is NaN, like the reference
    case Binary.min: return min(a, b);
    case Binary.pow: return <f32>Math.pow(a, b);
    case Binary.gt: return a > b ? 1 : 0;
    case Binary.eq: return a == b ? 1 : 0;
    case Binary.mask: return b != 0 ? a : 0;
    case Binary.thresholdBackward: return b <= 0 ? 0 : a;
    default: return NaN; // unreachable: the host sends only the op table's codes
  }
}

/** Every binary op but pow, lane-wise: the same IEEE result per lane as binaryOne. */
@inline
function binaryVec(op: i32, a: v128, b: v128): v128 {
  switch (op) {
    case Binary.add: return f32x4.add(a, b);
    case Binary.sub: return f32x4.sub(a, b);
    case Binary.mul: return f32x4.mul(a, b);
    case Binary.div: return f32x4.div(a, b);
    case Binary.max: return f32x4.max(a, b);
    case Binary.min: return f32x4.min(a, b);
    case Binary.gt: return v128.and(f32x4.gt(a, b), ONE); // all-ones lanes -> 1.0
    case Binary.eq: return v128.and(f32x4.eq(a, b), ONE);
    case Binary.mask: return v128.and(a, f32x4.ne(b, ZERO)); // a's bits where b != 0, else +0
    default: return v128.andnot(a, f32x4.le(b, ZERO)); // thresholdBackward: +0 where b <= 0, else a's bits (NaN b too)
  }
}

/**
 * `count` outputs from a and b read with byte strides sa and sb (0: one value broadcast). With `sIsB`, b is
 * the scalar s instead of memory. f32x4 where both strides are 4 or 0; pow is always scalar.
 */
@inline
function binaryRun(op: i32, a: usize, sa: usize, b: usize, sb: usize, out: usize, count: i32, s: f32, sIsB: bool): void {
  const av: f32 = sa ? 0 : load<f32>(a), bv: f32 = sIsB ? s : sb ? 0 : load<f32>(b);
  let j = 0;
  if (op != Binary.pow) {
    const va = f32x4.splat(av), vb = f32x4.splat(bv);
    if (sa == 4 && sb == 4) {
      for (; j + 4 <= count; j += 4, a += 16, b += 16, out += 16) v128.store(out, binaryVec(op, v128.load(a), v128.load(b)));
    } else if (sa == 4 && sb == 0) {
      for (; j + 4 <= count; j += 4, a += 16, out += 16) v128.store(out, binaryVec(op, v128.load(a), vb));
    } else if (sa == 0 && sb == 4) {
      for (; j + 4 <= count; j += 4, b += 16, out += 16) v128.store(out, binaryVec(op, va, v128.load(b)));
    }
  }
  for (; j < count; j++, a += sa, b += sb, out += 4) store<f32>(out, binaryOne(op, sa ? load<f32>(a) : av, sb ? load<f32>(b) : bv));
}

@inline
function binaryRunOf(op: i32, a: usize, sa: usize, b: usize, sb: usize, out: usize, count: i32, s: f32, sIsB: bool): void {
  switch (op) {
    case Binary.add: binaryRun(Binary.add, a, sa, b, sb, out, count, s, sIsB); break;
    case Binary.sub: binaryRun(Binary.sub, a, sa, b, sb, out, count, s, sIsB); break;
    case Binary.mul: binaryRun(Binary.mul, a, sa, b, sb, out, count, s, sIsB); break;
    case Binary.div: binaryRun(Binary.div, a, sa, b, sb, out, count, s, sIsB); break;
    case Binary.max: binaryRun(Binary.max, a, sa, b, sb, out, count, s, sIsB); break;
    case Binary.min: binaryRun(Binary.min, a, sa, b, sb, out, count, s, sIsB); break;
    case Binary.pow: binaryRun(Binary.pow, a, sa, b, sb, out, count, s, sIsB); break;
    case Binary.gt: binaryRun(Binary.gt, a, sa, b, sb, out, count, s, sIsB); break;
    case Binary.eq: binaryRun(Binary.eq, a, sa, b, sb, out, count, s, sIsB); break;
    case Binary.mask: binaryRun(Binary.mask, a, sa, b, sb, out, count, s, sIsB); break;
    case Binary.thresholdBackward: binaryRun(Binary.thresholdBackward, a, sa, b, sb, out, count, s, sIsB); break;
  }
}

/** out[i] = x[i] (op) s. */
export function scalar(op: i32, x: usize, s: f32, out: usize, start: i32, end: i32): void {
  const at = <usize>start << 2;
  binaryRunOf(op, x + at, 4, 0, 0, out + at, end - start, s, true);
}

/** Broadcasting binary over a rank-6 view described at `view` (see strided.ts); out is contiguous. */
export function binary(op: i32, a: usize, b: usize, out: usize, view: usize, start: i32, end: i32): void {
  if (start >= end) return; // an empty view may hold a zero size: nothing to divide by
  const n = load<i32>(view, 20), sa = <usize>load<i32>(view, 44) << 2, sb = <usize>load<i32>(view, 68) << 2;
  const d4 = size4(view), aStep = step4(view, 24), bStep = step4(view, 48); // rows walked as copyStrided's
  let row = start / n, col = start - row * n, at4 = row % d4;
  let ao = rowOffset(view, row, 24), bo = rowOffset(view, row, 48);
  let i = start;
  while (i < end) {
    const pa = a + (<usize>ao << 2) + <usize>col * sa;
    const pb = b + (<usize>bo << 2) + <usize>col * sb;
    const stop = min(end - i, n - col);
    binaryRunOf(op, pa, sa, pb, sb, out + (<usize>i << 2), stop, 0, false);
    i += stop;
    col = 0;
    row++;
    if (++at4 < d4) {
      ao += aStep; bo += bStep;
    } else {
      at4 = 0; ao = rowOffset(view, row, 24); bo = rowOffset(view, row, 48);
    }
  }
}
