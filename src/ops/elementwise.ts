// Elementwise ops: unary maps, and binary ops with NumPy broadcasting (or a plain number).
import type { BinaryOp, UnaryOp } from '../backend/backend.ts';
import { type Tensor } from '../tensor.ts';
import { formatShape, type Shape } from '../shapes.ts';
import { backendOf, compute, expectDType, record, stridesOf } from './core.ts';
import { sumTo } from './reduce.ts';

export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1, db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(`${op}: shapes ${formatShape(a)} and ${formatShape(b)} cannot be broadcast together`);
    }
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Element strides reading `shape` broadcast to `outShape` (0 along broadcast axes). */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const own = stridesOf(shape);
  const offset = outShape.length - shape.length;
  return outShape.map((d, i) => (i < offset || shape[i - offset] === 1 ? 0 : own[i - offset]));
}

function unaryOp(op: UnaryOp, x: Tensor, grad: (dy: Tensor, y: Tensor) => Tensor): Tensor {
  expectDType(op, x, 'f32');
  const y = compute(op, x.shape, [x], (b, out, [xs]) => b.unary(op, xs, out));
  return record(y, op, [x], (dy) => [grad(dy, y)]);
}

function scalarOp(op: BinaryOp, x: Tensor, s: number): Tensor {
  expectDType(op, x, 'f32');
  return compute(op, x.shape, [x], (b, out, [xs]) => b.scalar(op, xs, s, out));
}

function tensorOp(op: BinaryOp, a: Tensor, b: Tensor): Tensor {
  expectDType(op, a, 'f32', 'first input');
  expectDType(op, b, 'f32', 'second input');
  const shape = broadcastShapes(op, a.shape, b.shape);
  backendOf(op, a, b);
  return compute(op, shape, [a, b], (k, out, [as, bs]) =>
    k.binary(op, as, bs, out, shape, broadcastStrides(a.shape, shape), broadcastStrides(b.shape, shape)),
  );
}

/** a + b (b may be a number). */
export function add(a: Tensor, b: Tensor | number): Tensor {
  if (typeof b === 'number') {
    const y = scalarOp('add', a, b);
    return record(y, 'add', [a], (dy) => [dy.view(dy.shape)]);
  }
  const y = tensorOp('add', a, b);
  return record(y, 'add', [a, b], (dy) => [sumTo(dy, a.shape), sumTo(dy, b.shape)]);
}

/** a - b (b may be a number). */
export function sub(a: Tensor, b: Tensor | number): Tensor {
  if (typeof b === 'number') return add(a, -b);
  const y = tensorOp('sub', a, b);
  return record(y, 'sub', [a, b], (dy) => [sumTo(dy, a.shape), sumTo(neg(dy), b.shape)]);
}

/** a * b (b may be a number). */
export function mul(a: Tensor, b: Tensor | number): Tensor {
  if (typeof b === 'number') {
    const y = scalarOp('mul', a, b);
    return record(y, 'mul', [a], (dy) => [mul(dy, b)]);
  }
  const y = tensorOp('mul', a, b);
  return record(y, 'mul', [a, b], (dy) => [
    a.requiresGrad ? reduceProduct(dy, b, a.shape) : null,
    b.requiresGrad ? reduceProduct(dy, a, b.shape) : null,
  ]);
}

/** a / b (b may be a number). */
export function div(a: Tensor, b: Tensor | number): Tensor {
  if (typeof b === 'number') return mul(a, 1 / b);
  const y = tensorOp('div', a, b);
  return record(y, 'div', [a, b], (dy) => {
    const da = a.requiresGrad ? reduceQuotient(dy, b, a.shape) : null;
    let db: Tensor | null = null;
    if (b.requiresGrad) {
      const q = div(y, b); // a / b²
      const t = mul(dy, q);
      db = sumTo(neg(t), b.shape);
      q.dispose();
      t.dispose();
    }
    return [da, db];
  });
}

/** Elementwise maximum; ties split the gradient evenly. */
export function maximum(a: Tensor, b: Tensor): Tensor {
  return extremum('max', a, b);
}
/** Elementwise minimum; ties split the gradient evenly. */
export function minimum(a: Tensor, b: Tensor): Tensor {
  return extremum('min', a, b);
}

function extremum(op: 'max' | 'min', a: Tensor, b: Tensor): Tensor {
  const y = tensorOp(op, a, b);
  return record(y, op === 'max' ? 'maximum' : 'minimum', [a, b], (dy) => {
    const wins = op === 'max' ? tensorOp('gt', a, b) : tensorOp('gt', b, a);
    const ties = tensorOp('eq', a, b), halfTies = scalarOp('mul', ties, 0.5);
    const maskA = tensorOp('add', wins, halfTies); // where a is the result (half of it on ties)
    const minusMaskA = scalarOp('mul', maskA, -1), maskB = scalarOp('add', minusMaskA, 1);
    // dy·mask halves the ties; the 'mask' op then zeroes where the other input won (PyTorch's masked_fill), never 0·∞.
    const da = reduceMasked(dy, maskA, a.shape), db = reduceMasked(dy, maskB, b.shape);
    for (const t of [wins, ties, halfTies, maskA, minusMaskA, maskB]) t.dispose();
    return [da, db];
  });
}

/** x ** p for a constant exponent. */
export function pow(x: Tensor, p: number): Tensor {
  const y = scalarOp('pow', x, p);
  return record(y, 'pow', [x], (dy) => {
    const d = scalarOp('pow', x, p - 1);
    const g = tensorOp('mul', dy, d);
    const out = scalarOp('mul', g, p);
    d.dispose();
    g.dispose();
    return [out];
  });
}

/** 1 where a > b, else 0 (no gradient). */
export function greater(a: Tensor, b: Tensor | number): Tensor {
  return typeof b === 'number' ? scalarOp('gt', a, b) : tensorOp('gt', a, b);
}
/** 1 where a == b, else 0 (no gradient). */
export function equal(a: Tensor, b: Tensor | number): Tensor {
  return typeof b === 'number' ? scalarOp('eq', a, b) : tensorOp('eq', a, b);
}

export const neg = (x: Tensor): Tensor => unaryOp('neg', x, (dy) => scalarOp('mul', dy, -1));
export const exp = (x: Tensor): Tensor => unaryOp('exp', x, (dy, y) => tensorOp('mul', dy, y));
export const log = (x: Tensor): Tensor => unaryOp('log', x, (dy) => tensorOp('div', dy, x));
export const sqrt = (x: Tensor): Tensor => unaryOp('sqrt', x, (dy, y) => scaled(tensorOp('div', dy, y), 0.5));
export const tanh = (x: Tensor): Tensor =>
  unaryOp('tanh', x, (dy, y) => {
    const y2 = tensorOp('mul', y, y), oneMinus = scalarOp('sub', y2, 1), d = scalarOp('mul', oneMinus, -1);
    const g = tensorOp('mul', dy, d);
    for (const t of [y2, oneMinus, d]) t.dispose();
    return g;
  });
export const sigmoid = (x: Tensor): Tensor =>
  unaryOp('sigmoid', x, (dy, y) => {
    const y2 = tensorOp('mul', y, y), d = tensorOp('sub', y, y2), g = tensorOp('mul', dy, d);
    for (const t of [y2, d]) t.dispose();
    return g;
  });
export const relu = (x: Tensor): Tensor => unaryOp('relu', x, (dy) => masked(dy, scalarOp('gt', x, 0)));
export const abs = (x: Tensor): Tensor =>
  unaryOp('abs', x, (dy) => {
    const pos = scalarOp('gt', x, 0), negX = scalarOp('mul', x, -1), negMask = scalarOp('gt', negX, 0);
    const sign = tensorOp('sub', pos, negMask), g = tensorOp('mul', dy, sign);
    for (const t of [pos, negX, negMask, sign]) t.dispose();
    return g;
  });

/** dy where mask ≠ 0, else 0 (never dy·0, which is NaN for an infinite dy), disposing the mask. */
export function masked(dy: Tensor, mask: Tensor): Tensor {
  const g = tensorOp('mask', dy, mask);
  mask.dispose();
  return g;
}

function scaled(t: Tensor, s: number): Tensor {
  const out = scalarOp('mul', t, s);
  t.dispose();
  return out;
}

/** sumTo(dy * other, shape), disposing the product. */
function reduceProduct(dy: Tensor, other: Tensor, shape: Shape): Tensor {
  const p = tensorOp('mul', dy, other);
  const r = sumTo(p, shape);
  p.dispose();
  return r;
}

/** sumTo((dy·weight) where weight ≠ 0, else 0, shape). */
function reduceMasked(dy: Tensor, weight: Tensor, shape: Shape): Tensor {
  const p = tensorOp('mul', dy, weight), m = tensorOp('mask', p, weight);
  const r = sumTo(m, shape);
  p.dispose();
  m.dispose();
  return r;
}

function reduceQuotient(dy: Tensor, other: Tensor, shape: Shape): Tensor {
  const p = tensorOp('div', dy, other);
  const r = sumTo(p, shape);
  p.dispose();
  return r;
}
