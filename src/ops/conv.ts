// Convolutions as the block GEMM over image patches: for group g, Y_g [N·OH·OW, O] = patches_g · W_gᵀ,
// where PyTorch's grouped weight [C_out, C_in/G, KH, KW] is, byte for byte, the packed [G, O, C_in/G·KH·KW].
import type { PatchShape } from '../backend/backend.ts';
import { formatShape } from '../shapes.ts';
import type { Tensor } from '../tensor.ts';
import { backendOf, empty, expectDType, record } from './core.ts';
import { convBackward, convForward, type ConvGemm } from './conv-gemm.ts';
import { sum } from './reduce.ts';
import { reshape } from './shape.ts';

/** An int or an [h, w] pair, as PyTorch's `_size_2_t`. */
export type Size2 = number | readonly [number, number];

/**
 * Options of `conv2d`, as the arguments of PyTorch's `F.conv2d` (1.13); each size is an int (both axes) or
 * [height, width], in pixels. Throws from `conv2d` when a stride or dilation is < 1, a padding < 0, or `groups`
 * does not divide both channel counts.
 */
export interface Conv2dOptions {
  /** Step between windows, in pixels. Default 1. */
  stride?: Size2;
  /** Zero padding on both sides of each spatial axis. Default 0. */
  padding?: Size2;
  /** Spacing between kernel taps. Default 1. */
  dilation?: Size2;
  /** Blocked connections: input and output channels split into `groups` independent blocks. Default 1. */
  groups?: number;
}

/** Options of `conv1d`, as the arguments of PyTorch's `F.conv1d` (1.13), in samples along the length axis. */
export interface Conv1dOptions {
  /** Step between windows, ≥ 1. Default 1. */
  stride?: number;
  /** Zeros added at both ends, ≥ 0. Default 0. */
  padding?: number;
  /** Spacing between kernel taps, ≥ 1. Default 1. */
  dilation?: number;
  /** Input and output channels split into `groups` independent blocks; must divide both. Default 1. */
  groups?: number;
}

/** [h, w] of a Size2, checking each is an integer ≥ min. */
export function pair(op: string, what: string, v: Size2, min: number): [number, number] {
  const p = typeof v === 'number' ? [v, v] : Array.isArray(v) ? [...(v as number[])] : [];
  if (p.length !== 2 || !p.every((d) => Number.isInteger(d) && d >= min)) {
    throw new Error(`${op}: ${what} must be an integer ≥ ${min} or a pair of them, got ${JSON.stringify(v)}`);
  }
  return p as [number, number];
}

/** PyTorch's output length: ⌊(size + 2·pad − dilation·(k − 1) − 1) / stride⌋ + 1 (⌈⌉ with ceilMode, not starting in the right padding). */
export function outputLength(size: number, k: number, stride: number, pad: number, dilation: number, ceilMode = false): number {
  const span = size + 2 * pad - dilation * (k - 1) - 1;
  let out = (ceilMode ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  if (ceilMode && (out - 1) * stride >= size + pad) out--;
  return out;
}

/** The window walk of a conv or pool over x [N, C, H, W], with a clear error when the window does not fit. */
export function patchShape(op: string, x: Tensor, kernel: [number, number], stride: [number, number], padding: [number, number], dilation: [number, number], ceilMode = false): PatchShape {
  const [N, C, H, W] = x.shape;
  const [KH, KW] = kernel;
  const OH = outputLength(H, KH, stride[0], padding[0], dilation[0], ceilMode);
  const OW = outputLength(W, KW, stride[1], padding[1], dilation[1], ceilMode);
  if (OH < 1 || OW < 1) {
    throw new Error(`${op}: input ${formatShape(x.shape)} padded by ${padding.join('x')} is smaller than the kernel ${KH}x${KW} (dilation ${dilation.join('x')})`);
  }
  return { N, C, H, W, KH, KW, OH, OW, strideH: stride[0], strideW: stride[1], padH: padding[0], padW: padding[1], dilationH: dilation[0], dilationW: dilation[1] };
}

/**
 * 2-D convolution (cross-correlation) as torch.nn.functional.conv2d (PyTorch 1.13+), NCHW.
 * x [N, C_in, H, W] f32, weight [C_out, C_in/groups, KH, KW], bias [C_out] or null -> [N, C_out, OH, OW]
 * with OH = ⌊(H + 2·padding − dilation·(KH − 1) − 1)/stride⌋ + 1. Computed as patch extraction and one block
 * GEMM per group over the weight as stored (no copy of it), in chunks of samples (conv-gemm.ts); gradients for
 * x, weight and bias.
 * Throws on wrong ranks or dtypes, channel counts that groups does not divide, a weight or bias that does
 * not match, and a kernel larger than the padded input.
 */
export function conv2d(x: Tensor, weight: Tensor, bias: Tensor | null = null, options: Conv2dOptions = {}): Tensor {
  const op = 'conv2d';
  const groups = options.groups ?? 1;
  const stride = pair(op, 'stride', options.stride ?? 1, 1);
  const padding = pair(op, 'padding', options.padding ?? 0, 0);
  const dilation = pair(op, 'dilation', options.dilation ?? 1, 1);
  expectDType(op, x, 'f32');
  expectDType(op, weight, 'f32', 'weight');
  if (x.rank !== 4) throw new Error(`${op}: input must be [N, C, H, W], got ${formatShape(x.shape)}`);
  if (weight.rank !== 4) throw new Error(`${op}: weight must be [C_out, C_in/groups, KH, KW], got ${formatShape(weight.shape)}`);
  if (!Number.isInteger(groups) || groups < 1) throw new Error(`${op}: groups must be a positive integer, got ${groups}`);
  const [outChannels, perGroup, KH, KW] = weight.shape;
  const C = x.shape[1];
  if (C % groups || outChannels % groups) {
    throw new Error(`${op}: input channels ${C} and output channels ${outChannels} must both be divisible by groups ${groups}`);
  }
  if (perGroup * groups !== C) {
    throw new Error(`${op}: weight ${formatShape(weight.shape)} expects ${perGroup * groups} input channels (${perGroup} per group × ${groups} groups), got input ${formatShape(x.shape)}`);
  }
  if (bias) {
    expectDType(op, bias, 'f32', 'bias');
    if (bias.rank !== 1 || bias.shape[0] !== outChannels) throw new Error(`${op}: bias ${formatShape(bias.shape)} must be [${outChannels}]`);
  }
  const shape = patchShape(op, x, [KH, KW], stride, padding, dilation);
  const inputs = bias ? [x, weight, bias] : [x, weight];
  const backend = backendOf(op, ...inputs);
  const g: ConvGemm = { backend, shape, groups, outChannels };
  const y = empty([shape.N, outChannels, shape.OH, shape.OW], 'f32', backend);
  convForward(g, x.storageOf(op), weight.storageOf(op), bias?.storageOf(op) ?? null, y.storageOf(op));
  return record(y, op, inputs, (dy) => {
    const dx = x.requiresGrad ? empty(x.shape, 'f32', backend) : null;
    const dw = weight.requiresGrad ? empty(weight.shape, 'f32', backend) : null;
    const at = (t: Tensor | null) => t?.storageOf(op) ?? null;
    convBackward(g, dy.storageOf(op), x.storageOf(op), weight.storageOf(op), at(dx), at(dw));
    return [dx, dw, bias?.requiresGrad ? sum(dy, [0, 2, 3]) : null];
  });
}

/**
 * 1-D convolution as torch.nn.functional.conv1d (PyTorch 1.13+): x [N, C_in, L], weight [C_out, C_in/groups, K],
 * bias [C_out] or null -> [N, C_out, L_out]. The H = 1 case of conv2d (same kernels, same errors).
 * @throws Error on a non-3-D or non-f32 input, channel counts that do not match the weight and groups, an
 *   option out of range, a window larger than the padded input, or a disposed tensor.
 */
export function conv1d(x: Tensor, weight: Tensor, bias: Tensor | null = null, options: Conv1dOptions = {}): Tensor {
  if (x.rank !== 3) throw new Error(`conv1d: input must be [N, C, L], got ${formatShape(x.shape)}`);
  if (weight.rank !== 3) throw new Error(`conv1d: weight must be [C_out, C_in/groups, K], got ${formatShape(weight.shape)}`);
  const x2 = reshape(x, [x.shape[0], x.shape[1], 1, x.shape[2]]);
  const w2 = reshape(weight, [weight.shape[0], weight.shape[1], 1, weight.shape[2]]);
  const y2 = conv2d(x2, w2, bias, {
    stride: [1, options.stride ?? 1],
    padding: [0, options.padding ?? 0],
    dilation: [1, options.dilation ?? 1],
    groups: options.groups,
  });
  const y = reshape(y2, [y2.shape[0], y2.shape[1], y2.shape[3]]);
  for (const t of [x2, w2, y2]) t.dispose();
  return y;
}
