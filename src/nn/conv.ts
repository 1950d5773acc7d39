// Convolution layers with PyTorch's parameters: weight [C_out, C_in/groups, …kernel], bias [C_out].
import { conv1d, conv2d, pair, type Size2 } from '../ops/conv.ts';
import type { Rng } from '../random.ts';
import type { Tensor } from '../tensor.ts';
import { uniformParameter } from './init.ts';
import { Module } from './module.ts';

/** Options of `Conv2d`, as the arguments of PyTorch's `nn.Conv2d` (1.13); sizes are an int or [height, width], in pixels. */
export interface Conv2dLayerOptions {
  /** Step between windows, ≥ 1. Default 1. */
  stride?: Size2;
  /** Zeros added on both sides of each spatial axis, ≥ 0. Default 0. */
  padding?: Size2;
  /** Spacing between kernel taps, ≥ 1. Default 1. */
  dilation?: Size2;
  /** Blocked connections (input and output channels both divisible by it). Default 1. */
  groups?: number;
  /** Whether the layer has a bias [outChannels]. Default true. */
  bias?: boolean;
  /** Draws the initial weights. Default: the library's generator, which `seed()` resets. */
  rng?: Rng;
}

function checkChannels(layer: string, inChannels: number, outChannels: number, groups: number): void {
  for (const [what, n] of [['inChannels', inChannels], ['outChannels', outChannels], ['groups', groups]] as const) {
    if (!Number.isInteger(n) || n < 1) throw new Error(`${layer}: ${what} must be a positive integer, got ${n}`);
  }
  if (inChannels % groups || outChannels % groups) {
    throw new Error(`${layer}: inChannels ${inChannels} and outChannels ${outChannels} must both be divisible by groups ${groups}`);
  }
}

/** PyTorch's conv init: weight [outChannels, inChannels/groups, …kernel] and bias [outChannels] (or none), U(±1/√fanIn). */
function convParameters(
  inChannels: number, outChannels: number, groups: number, kernel: number[], options: { bias?: boolean; rng?: Rng },
): { weight: Tensor; bias: Tensor | null } {
  const fanIn = kernel.reduce((a, k) => a * k, inChannels / groups);
  return {
    weight: uniformParameter([outChannels, inChannels / groups, ...kernel], fanIn, options.rng),
    bias: options.bias === false ? null : uniformParameter([outChannels], fanIn, options.rng),
  };
}

/**
 * torch.nn.Conv2d (zeros padding): weight [outChannels, inChannels/groups, KH, KW] and bias [outChannels], both
 * initialised U(−1/√fanIn, 1/√fanIn) with fanIn = inChannels/groups·KH·KW, as PyTorch does. Input [N, inChannels, H, W].
 * Throws on non-positive or non-divisible channel counts and invalid kernel sizes.
 */
export class Conv2d extends Module {
  /** [outChannels, inChannels/groups, KH, KW], f32. */
  weight: Tensor;
  /** [outChannels], f32; null when built with `bias: false`. */
  bias: Tensor | null;
  /** [KH, KW], in pixels. */
  readonly kernelSize: [number, number];
  /** Step between windows, [height, width]. */
  readonly stride: Size2;
  /** Zeros added on both sides, [height, width]. */
  readonly padding: Size2;
  /** Spacing between kernel taps, [height, width]. */
  readonly dilation: Size2;
  /** Channel blocks: each output channel reads inChannels/groups input channels. */
  readonly groups: number;
  /**
   * @param inChannels Channels of the input (a positive integer divisible by `groups`).
   * @param outChannels Channels of the output (a positive integer divisible by `groups`).
   * @param kernelSize Window size in pixels: an int or [KH, KW], each ≥ 1.
   * @throws Error on non-positive or non-divisible channel counts, or a size out of range.
   */
  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: Size2, options: Conv2dLayerOptions = {}) {
    super();
    const layer = `Conv2d(${inChannels}, ${outChannels})`;
    this.groups = options.groups ?? 1;
    checkChannels(layer, inChannels, outChannels, this.groups);
    this.kernelSize = pair(layer, 'kernelSize', kernelSize, 1);
    this.stride = pair(layer, 'stride', options.stride ?? 1, 1);
    this.padding = pair(layer, 'padding', options.padding ?? 0, 0);
    this.dilation = pair(layer, 'dilation', options.dilation ?? 1, 1);
    ({ weight: this.weight, bias: this.bias } = convParameters(inChannels, outChannels, this.groups, this.kernelSize, options));
  }
  /**
   * y [N, outChannels, OH, OW] for x [N, inChannels, H, W] f32, as `nn.Conv2d.forward`; OH = ⌊(H + 2·padH −
   * dilationH·(KH − 1) − 1) / strideH⌋ + 1, and likewise OW.
   * @throws Error when x is not 4-D f32 with inChannels channels, the window does not fit the padded input, or a tensor was disposed.
   */
  forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }
}

/** Options of `Conv1d`, as the arguments of PyTorch's `nn.Conv1d` (1.13), in samples along the length axis. */
export interface Conv1dLayerOptions {
  /** Step between windows, ≥ 1. Default 1. */
  stride?: number;
  /** Zeros added at both ends, ≥ 0. Default 0. */
  padding?: number;
  /** Spacing between kernel taps, ≥ 1. Default 1. */
  dilation?: number;
  /** Blocked connections (input and output channels both divisible by it). Default 1. */
  groups?: number;
  /** Whether the layer has a bias [outChannels]. Default true. */
  bias?: boolean;
  /** Draws the initial weights. Default: the library's generator, which `seed()` resets. */
  rng?: Rng;
}

/** torch.nn.Conv1d (zeros padding): weight [outChannels, inChannels/groups, K], bias [outChannels]; input [N, inChannels, L]. */
export class Conv1d extends Module {
  /** [outChannels, inChannels/groups, K], f32, initialised U(−1/√fanIn, 1/√fanIn), fanIn = inChannels/groups·K. */
  weight: Tensor;
  /** [outChannels], f32; null when built with `bias: false`. */
  bias: Tensor | null;
  /** K, the window length in samples. */
  readonly kernelSize: number;
  /** Step between windows. */
  readonly stride: number;
  /** Zeros added at both ends. */
  readonly padding: number;
  /** Spacing between kernel taps. */
  readonly dilation: number;
  /** Channel blocks: each output channel reads inChannels/groups input channels. */
  readonly groups: number;
  /**
   * @param inChannels Channels of the input (a positive integer divisible by `groups`).
   * @param outChannels Channels of the output (a positive integer divisible by `groups`).
   * @param kernelSize K, the window length in samples (≥ 1).
   * @throws Error on non-positive or non-divisible channel counts, or a size out of range.
   */
  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: number, options: Conv1dLayerOptions = {}) {
    super();
    const layer = `Conv1d(${inChannels}, ${outChannels})`;
    this.groups = options.groups ?? 1;
    checkChannels(layer, inChannels, outChannels, this.groups);
    [, this.kernelSize] = pair(layer, 'kernelSize', [1, kernelSize], 1);
    [, this.stride] = pair(layer, 'stride', [1, options.stride ?? 1], 1);
    [, this.padding] = pair(layer, 'padding', [0, options.padding ?? 0], 0);
    [, this.dilation] = pair(layer, 'dilation', [1, options.dilation ?? 1], 1);
    ({ weight: this.weight, bias: this.bias } = convParameters(inChannels, outChannels, this.groups, [this.kernelSize], options));
  }
  /**
   * y [N, outChannels, OL] for x [N, inChannels, L] f32, as `nn.Conv1d.forward`; OL = ⌊(L + 2·padding −
   * dilation·(K − 1) − 1) / stride⌋ + 1.
   * @throws Error when x is not 3-D f32 with inChannels channels, the window does not fit the padded input, or a tensor was disposed.
   */
  forward(x: Tensor): Tensor {
    return conv1d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }
}
