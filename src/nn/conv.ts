// Convolution layers with PyTorch's parameters: weight [C_out, C_in/groups, …kernel], bias [C_out].
import { conv1d, conv2d, pair, type Size2 } from '../ops/conv.ts';
import type { Rng } from '../random.ts';
import type { Tensor } from '../tensor.ts';
import { uniformParameter } from './init.ts';
import { Module } from './module.ts';

export interface Conv2dLayerOptions {
  stride?: Size2;
  padding?: Size2;
  dilation?: Size2;
  /** Blocked connections (input and output channels both divisible by it). Default 1. */
  groups?: number;
  /** Default true. */
  bias?: boolean;
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
  weight: Tensor;
  bias: Tensor | null;
  readonly kernelSize: [number, number];
  readonly stride: Size2;
  readonly padding: Size2;
  readonly dilation: Size2;
  readonly groups: number;
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
  forward(x: Tensor): Tensor {
    return conv2d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }
}

export interface Conv1dLayerOptions {
  stride?: number;
  padding?: number;
  dilation?: number;
  groups?: number;
  bias?: boolean;
  rng?: Rng;
}

/** torch.nn.Conv1d (zeros padding): weight [outChannels, inChannels/groups, K], bias [outChannels]; input [N, inChannels, L]. */
export class Conv1d extends Module {
  weight: Tensor;
  bias: Tensor | null;
  readonly kernelSize: number;
  readonly stride: number;
  readonly padding: number;
  readonly dilation: number;
  readonly groups: number;
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
  forward(x: Tensor): Tensor {
    return conv1d(x, this.weight, this.bias, { stride: this.stride, padding: this.padding, dilation: this.dilation, groups: this.groups });
  }
}
