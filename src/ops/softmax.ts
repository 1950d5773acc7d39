// Softmax and log-softmax over the last axis (one fused kernel each, or one for both).
import type { Tensor } from '../tensor.ts';
import { engine } from '../engine.ts';
import { backendOf, compute, empty, expectDType, record } from './core.ts';
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

/**
 * [softmax(x), logSoftmax(x)] over the last axis from one kernel pass (one max and one sum per row), the bits
 * of the two calls (torch.softmax and torch.log_softmax over −1, PyTorch 1.13): f32 x of any shape, both
 * outputs of its shape. For inference: neither output records a gradient (train through the two ops).
 * @throws Error when x is not f32 or was disposed, or when grad is on and x requires it.
 */
export function softmaxAndLogSoftmax(x: Tensor): [Tensor, Tensor] {
  const op = 'softmaxAndLogSoftmax';
  expectDType(op, x, 'f32');
  if (engine.gradEnabled && x.requiresGrad) throw new Error(`${op}: records no gradient; call it under noGrad, or use softmax and logSoftmax`);
  const [rows, cols] = rowsCols(x);
  const logProbs = empty(x.shape, 'f32', backendOf(op, x));
  const probs = compute(op, x.shape, [x], (b, out, [xs]) => b.softmax(xs, out, rows, cols, false, logProbs.storageOf(op)));
  return [probs, logProbs];
}
