// Softmax and log-softmax over the last axis (one fused kernel each).
import type { Tensor } from '../tensor.ts';
import { compute, expectDType, record } from './core.ts';
import { mul, sub } from './elementwise.ts';
import { exp as expOp } from './unary.ts';
import { sum } from './reduce.ts';

function rowsCols(x: Tensor): [number, number] {
  const cols = x.shape[x.rank - 1] ?? 1;
  return [cols === 0 ? 0 : x.size / cols, cols];
}

/**
 * Softmax over the last axis, exp(x − max) / Σ exp(x − max), as torch.softmax(x, −1) (PyTorch 1.13): f32 x of
 * any shape, same shape out, each row summing to 1. Gradient y·(dy − Σ dy·y).
 * @throws Error when x is not f32 or was disposed.
 */
export function softmax(x: Tensor): Tensor {
  expectDType('softmax', x, 'f32');
  const [rows, cols] = rowsCols(x);
  const y = compute('softmax', x.shape, [x], (b, out, [xs]) => b.softmax(xs, out, rows, cols, false));
  return record(y, 'softmax', [x], (dy) => [mul(y, sub(dy, sum(mul(dy, y), -1, true)))]); // y·(dy - Σ dy·y)
}

/**
 * Log-softmax over the last axis, x − max − ln Σ exp(x − max) (numerically stable), as
 * torch.log_softmax(x, −1) (PyTorch 1.13): f32 x of any shape, same shape out. Gradient dy − softmax·Σ dy.
 * @throws Error when x is not f32 or was disposed.
 */
export function logSoftmax(x: Tensor): Tensor {
  expectDType('logSoftmax', x, 'f32');
  const [rows, cols] = rowsCols(x);
  const y = compute('logSoftmax', x.shape, [x], (b, out, [xs]) => b.softmax(xs, out, rows, cols, true));
  return record(y, 'logSoftmax', [x], (dy) => [sub(dy, mul(expOp(y), sum(dy, -1, true)))]); // dy - softmax·Σ dy
}
