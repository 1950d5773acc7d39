// Softmax and log-softmax over the last axis (one fused kernel each).
import type { Tensor } from '../tensor.ts';
import { compute, expectDType, record } from './core.ts';
import { exp as expOp, mul, sub } from './elementwise.ts';
import { sum } from './reduce.ts';

function rowsCols(x: Tensor): [number, number] {
  const cols = x.shape[x.rank - 1] ?? 1;
  return [cols === 0 ? 0 : x.size / cols, cols];
}

/** Softmax over the last axis. */
export function softmax(x: Tensor): Tensor {
  expectDType('softmax', x, 'f32');
  const [rows, cols] = rowsCols(x);
  const y = compute('softmax', x.shape, [x], (b, out, [xs]) => b.softmax(xs, out, rows, cols, false));
  return record(y, 'softmax', [x], (dy) => {
    // dx = y * (dy - Σ dy·y)
    const p = mul(dy, y), s = sum(p, -1, true), d = sub(dy, s), g = mul(y, d);
    for (const t of [p, s, d]) t.dispose();
    return [g];
  });
}

/** Log-softmax over the last axis (numerically stable). */
export function logSoftmax(x: Tensor): Tensor {
  expectDType('logSoftmax', x, 'f32');
  const [rows, cols] = rowsCols(x);
  const y = compute('logSoftmax', x.shape, [x], (b, out, [xs]) => b.softmax(xs, out, rows, cols, true));
  return record(y, 'logSoftmax', [x], (dy) => {
    // dx = dy - softmax · Σ dy
    const s = sum(dy, -1, true), p = expOp(y), q = mul(p, s), g = sub(dy, q);
    for (const t of [s, p, q]) t.dispose();
    return [g];
  });
}
