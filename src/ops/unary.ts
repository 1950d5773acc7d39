// The elementwise unary ops of the op table (src/backend/op-table.ts), each with its gradient dy·f'(x) (y = f(x)),
// written with the public ops (autograd runs it under noGrad inside a tidy). Adding one: ARCHITECTURE.md, "Adding an op".
import type { UnaryOp } from '../backend/backend.ts';
import { type Tensor } from '../tensor.ts';
import { compute, expectDType, record } from './core.ts';
import { add, div, greater, mul, sub, thresholdBackward } from './elementwise.ts';

function unaryOp(op: UnaryOp, x: Tensor, grad: (dy: Tensor, y: Tensor) => Tensor): Tensor {
  expectDType(op, x, 'f32');
  const y = compute(op, x.shape, [x], (b, out, [xs]) => b.unary(op, xs, out));
  return record(y, op, [x], (dy) => [grad(dy, y)]);
}

/**
 * −x, elementwise, as torch.neg (PyTorch 1.13). An f32 tensor of any shape in, one of the same shape out. Gradient −dy.
 * @throws Error when `x` is not f32 or was disposed.
 */
export const neg = (x: Tensor): Tensor => unaryOp('neg', x, (dy) => neg(dy));
/**
 * eˣ, elementwise, as torch.exp (PyTorch 1.13). An f32 tensor of any shape in, one of the same shape out. Overflows to +Infinity above about 88.7.
 * Gradient dy·eˣ.
 * @throws Error when `x` is not f32 or was disposed.
 */
export const exp = (x: Tensor): Tensor => unaryOp('exp', x, (dy, y) => mul(dy, y));
/**
 * The natural logarithm ln x, elementwise, as torch.log (PyTorch 1.13). An f32 tensor of any shape in, one of the same shape out.
 * ln 0 = −Infinity, NaN for x < 0. Gradient dy / x.
 * @throws Error when `x` is not f32 or was disposed.
 */
export const log = (x: Tensor): Tensor => unaryOp('log', x, (dy) => div(dy, x));
/**
 * √x, elementwise, as torch.sqrt (PyTorch 1.13). An f32 tensor of any shape in, one of the same shape out. NaN for x < 0.
 * Gradient dy / (2√x).
 * @throws Error when `x` is not f32 or was disposed.
 */
export const sqrt = (x: Tensor): Tensor => unaryOp('sqrt', x, (dy, y) => mul(div(dy, y), 0.5));
/**
 * The hyperbolic tangent (eˣ − e⁻ˣ) / (eˣ + e⁻ˣ), elementwise, as torch.tanh (PyTorch 1.13). An f32 tensor of any shape in, one of the same shape out.
 * Values in [−1, 1]. Gradient dy·(1 − tanh²x).
 * @throws Error when `x` is not f32 or was disposed.
 */
export const tanh = (x: Tensor): Tensor => unaryOp('tanh', x, (dy, y) => mul(dy, add(neg(mul(y, y)), 1)));
/**
 * The logistic function 1 / (1 + e⁻ˣ), elementwise, as torch.sigmoid (PyTorch 1.13). An f32 tensor of any shape in, one of the same shape out.
 * Values in [0, 1]. Gradient dy·σ(x)·(1 − σ(x)).
 * @throws Error when `x` is not f32 or was disposed.
 */
export const sigmoid = (x: Tensor): Tensor => unaryOp('sigmoid', x, (dy, y) => mul(dy, sub(y, mul(y, y))));
/**
 * max(x, 0), elementwise, as torch.relu (PyTorch 1.13). An f32 tensor of any shape in, one of the same shape out.
 * Gradient 0 where the output is ≤ 0, else dy (0 at x = 0; a NaN x passes dy), as PyTorch's threshold_backward.
 * @throws Error when `x` is not f32 or was disposed.
 */
export const relu = (x: Tensor): Tensor => unaryOp('relu', x, (dy, y) => thresholdBackward(dy, y));
/**
 * |x|, elementwise, as torch.abs (PyTorch 1.13). An f32 tensor of any shape in, one of the same shape out.
 * Gradient dy·sign(x) (0 at x = 0, as PyTorch).
 * @throws Error when `x` is not f32 or was disposed.
 */
export const abs = (x: Tensor): Tensor => unaryOp('abs', x, (dy) => mul(dy, sub(greater(x, 0), greater(neg(x), 0))));
/**
 * The error function 2/√π ∫₀ˣ e^(−t²) dt of an f32 tensor of any shape, as torch.erf (PyTorch 1.13): odd,
 * ±1 at ±Infinity, NaN for NaN; within about 1e-7 of the exact value. Gradient dy·2/√π·e^(−x²).
 * @throws Error when `x` is not f32 or was disposed.
 */
export const erf = (x: Tensor): Tensor => unaryOp('erf', x, (dy) => mul(dy, mul(exp(neg(mul(x, x))), 2 / Math.sqrt(Math.PI))));
/**
 * softplus ln(1 + eˣ), elementwise, as torch.nn.functional.softplus with its defaults beta = 1 and threshold = 20
 * (PyTorch 1.13): x itself where x > 20. An f32 tensor of any shape in, one of the same shape out; values ≥ 0
 * (0 where eˣ underflows f32, below about −104, and at −Infinity). Gradient dy·σ(x).
 * @throws Error when `x` is not f32 or was disposed.
 */
export const softplus = (x: Tensor): Tensor => unaryOp('softplus', x, (dy) => mul(dy, sigmoid(x)));
