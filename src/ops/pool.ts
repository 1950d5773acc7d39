// Pooling over NCHW windows: max (with the argmax its gradient routes through), average, adaptive average.
import type { PoolShape } from '../backend/backend.ts';
import { formatShape } from '../shapes.ts';
import type { Tensor } from '../tensor.ts';
import { backendOf, empty, expectDType, record } from './core.ts';
import { pair, patchShape, type Size2 } from './conv.ts';

/**
 * Options of `maxPool2d`, as the arguments of PyTorch's `F.max_pool2d` (1.13); each size is an int (both
 * axes) or [height, width], in pixels.
 */
export interface MaxPool2dOptions {
  /** Step between windows. Default: the kernel size. */
  stride?: Size2;
  /** Implicit −∞ padding on both sides; at most half the kernel. Default 0. */
  padding?: Size2;
  /** Spacing between window taps, ≥ 1. Default 1. */
  dilation?: Size2;
  /** Output size rounded up (windows may start in the right padding's reach, never inside it). Default false. */
  ceilMode?: boolean;
}

/**
 * Options of `avgPool2d`, as the arguments of PyTorch's `F.avg_pool2d` (1.13); each size is an int (both
 * axes) or [height, width], in pixels.
 */
export interface AvgPool2dOptions {
  /** Step between windows. Default: the kernel size. */
  stride?: Size2;
  /** Implicit zero padding on both sides; at most half the kernel. Default 0. */
  padding?: Size2;
  /** Output size rounded up (windows may start in the right padding's reach, never inside it). Default false. */
  ceilMode?: boolean;
  /** Divide by the whole window, zero padding included (PyTorch's default true), or by its valid part. */
  countIncludePad?: boolean;
}

function expectImages(op: string, x: Tensor): void {
  expectDType(op, x, 'f32');
  if (x.rank !== 4) throw new Error(`${op}: input must be [N, C, H, W], got ${formatShape(x.shape)}`);
}

function poolShape(op: string, x: Tensor, kernelSize: Size2, options: MaxPool2dOptions & AvgPool2dOptions, countIncludePad: boolean): PoolShape {
  expectImages(op, x);
  const kernel = pair(op, 'kernelSize', kernelSize, 1);
  const stride = pair(op, 'stride', options.stride ?? kernel, 1);
  const padding = pair(op, 'padding', options.padding ?? 0, 0);
  const dilation = pair(op, 'dilation', options.dilation ?? 1, 1);
  if (padding[0] * 2 > kernel[0] || padding[1] * 2 > kernel[1]) {
    throw new Error(`${op}: padding ${padding.join('x')} must be at most half the kernel ${kernel.join('x')}`);
  }
  return { ...patchShape(op, x, kernel, stride, padding, dilation, options.ceilMode ?? false), adaptive: false, countIncludePad };
}

/**
 * Max pooling as torch.nn.functional.max_pool2d (PyTorch 1.13+): x [N, C, H, W] f32 -> [N, C, OH, OW].
 * The gradient goes to the first maximum of each window (NaN counts as the maximum), as in PyTorch.
 * Throws on a non-4-D or non-f32 input, padding over half the kernel, or a kernel larger than the padded input.
 */
export function maxPool2d(x: Tensor, kernelSize: Size2, options: MaxPool2dOptions = {}): Tensor {
  const op = 'maxPool2d';
  const shape = poolShape(op, x, kernelSize, options, false);
  const backend = backendOf(op, x);
  const y = empty([shape.N, shape.C, shape.OH, shape.OW], 'f32', backend);
  const argmax = empty(y.shape, 'i32', backend);
  backend.maxPool2d(x.storageOf(op), y.storageOf(op), argmax.storageOf(op), shape);
  record(y, op, [x, argmax], (dy) => [maxPoolGrad(dy, argmax, x, shape), null]);
  argmax.dispose(); // the graph holds it until backward
  return y;
}

function maxPoolGrad(dy: Tensor, argmax: Tensor, x: Tensor, shape: PoolShape): Tensor {
  const dx = empty(x.shape, 'f32', dy.backend);
  dy.backend.maxPool2dGrad(dy.storageOf('maxPool2d'), argmax.storageOf('maxPool2d'), dx.storageOf('maxPool2d'), shape);
  return dx;
}

/**
 * Average pooling as torch.nn.functional.avg_pool2d (PyTorch 1.13+, no divisor_override): x [N, C, H, W] f32
 * -> [N, C, OH, OW].
 * @throws Error on a non-4-D or non-f32 input, padding over half the kernel, or a kernel larger than the padded
 *   input (as maxPool2d).
 */
export function avgPool2d(x: Tensor, kernelSize: Size2, options: AvgPool2dOptions = {}): Tensor {
  return averaged('avgPool2d', x, poolShape('avgPool2d', x, kernelSize, options, options.countIncludePad ?? true));
}

/**
 * Adaptive average pooling as torch.nn.functional.adaptive_avg_pool2d: x [N, C, H, W] -> [N, C, OH, OW], window
 * o covering [⌊o·H/OH⌋, ⌈(o+1)·H/OH⌉). `outputSize` is an int, a pair, or a pair with null (keep that size).
 * @throws Error on a non-4-D or non-f32 input, an empty spatial axis, or an output size that is not a positive integer.
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: number | readonly [number | null, number | null]): Tensor {
  const op = 'adaptiveAvgPool2d';
  expectImages(op, x);
  const [N, C, H, W] = x.shape;
  const wanted = typeof outputSize === 'number' ? [outputSize, outputSize] : [outputSize[0] ?? H, outputSize[1] ?? W];
  const [OH, OW] = pair(op, 'outputSize', wanted as [number, number], 1);
  if (H < 1 || W < 1) throw new Error(`${op}: input ${formatShape(x.shape)} has an empty spatial axis`);
  const shape: PoolShape = {
    N, C, H, W, OH, OW, KH: 1, KW: 1, strideH: 1, strideW: 1, padH: 0, padW: 0, dilationH: 1, dilationW: 1,
    adaptive: true, countIncludePad: false,
  };
  return averaged(op, x, shape);
}

function averaged(op: string, x: Tensor, shape: PoolShape): Tensor {
  const backend = backendOf(op, x);
  const y = empty([shape.N, shape.C, shape.OH, shape.OW], 'f32', backend);
  backend.avgPool2d(x.storageOf(op), y.storageOf(op), shape);
  return record(y, op, [x], (dy) => {
    const dx = empty(x.shape, 'f32', dy.backend);
    dy.backend.avgPool2dGrad(dy.storageOf(op), dx.storageOf(op), shape);
    return [dx];
  });
}
