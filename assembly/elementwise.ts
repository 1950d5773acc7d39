// Elementwise kernels on the work range [start, end) of the output.
import { Binary, Unary } from './codes';
import { rowOffset } from './strided';

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
    case Unary.exp: return Mathf.exp(v);
    case Unary.log: return Mathf.log(v);
    case Unary.tanh: return Mathf.tanh(v);
    case Unary.sigmoid: return 1 / (1 + Mathf.exp(-v));
    case Unary.relu: return max(v, <f32>0); // f32.max keeps NaN
    case Unary.sqrt: return Mathf.sqrt(v);
    default: return Mathf.abs(v);
  }
}

export function unary(op: i32, x: usize, out: usize, start: i32, end: i32): void {
  for (let i = start; i < end; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, unaryOne(op, load<f32>(x + o)));
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
    default: return a == b ? 1 : 0;
  }
}

/** out[i] = x[i] (op) s. */
export function scalar(op: i32, x: usize, s: f32, out: usize, start: i32, end: i32): void {
  for (let i = start; i < end; i++) {
    const o = <usize>i << 2;
    store<f32>(out + o, binaryOne(op, load<f32>(x + o), s));
  }
}

/** Broadcasting binary over a rank-6 view described at `view` (see strided.ts); out is contiguous. */
export function binary(op: i32, a: usize, b: usize, out: usize, view: usize, start: i32, end: i32): void {
  const n = load<i32>(view, 20), sa = <usize>load<i32>(view, 44) << 2, sb = <usize>load<i32>(view, 68) << 2;
  let i = start;
  while (i < end) {
    const row = i / n;
    let col = i - row * n;
    let pa = a + (<usize>rowOffset(view, row, 24) << 2) + <usize>col * sa;
    let pb = b + (<usize>rowOffset(view, row, 48) << 2) + <usize>col * sb;
    let po = out + (<usize>i << 2);
    const stop = min(end - i, n - col);
    for (let j = 0; j < stop; j++) {
      store<f32>(po, binaryOne(op, load<f32>(pa), load<f32>(pb)));
      pa += sa; pb += sb; po += 4;
    }
    i += stop;
  }
}
