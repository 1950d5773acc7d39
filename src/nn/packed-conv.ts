// TorchUncertainty's PackedConv1d/PackedConv2d: M estimators as channel blocks of one grouped convolution.
import type { Size2 } from '../ops/conv.ts';
import { flatten, rearrangeEstimators, reshape } from '../ops/shape.ts';
import type { Rng } from '../random.ts';
import { formatShape } from '../shapes.ts';
import type { Tensor } from '../tensor.ts';
import { Conv1d, Conv2d } from './conv.ts';
import { Module } from './module.ts';

/** The packing options of `PackedConv1d` and `PackedConv2d`, as TorchUncertainty's arguments (camelCased). */
export interface PackedConvOptions {
  /** Width factor of the ensemble: each layer has alpha × the channels of one estimator. */
  alpha: number;
  /** M, ensemble members packed in the layer (a positive integer). */
  numEstimators: number;
  /** Groups inside each estimator (reduced while groups would get < minimumChannelsPerGroup inputs). Default 1. */
  gamma?: number;
  /** Blocked connections inside each estimator, as nn.Conv2d's groups. Default 1. */
  groups?: number;
  /** gamma is reduced while a group would get fewer input channels than this. Default 64, as TorchUncertainty. */
  minimumChannelsPerGroup?: number;
  /** Whether the convolution has a bias [ext_out]. Default true. */
  bias?: boolean;
  /** First layer: input channels not widened, one group (every estimator sees the whole input). */
  first?: boolean;
  /** Last layer: outChannels × numEstimators outputs, rearranged to (M·B, outChannels, …) as TorchUncertainty's current release. */
  last?: boolean;
  /** Draws the initial weights. Default: the library's generator, which `seed()` resets. */
  rng?: Rng;
}

/** Options of `PackedConv2d`: the packing, and the window geometry of `nn.Conv2d` (an int or [height, width], in pixels). */
export interface PackedConv2dOptions extends PackedConvOptions {
  /** Step between windows, ≥ 1. Default 1. */
  stride?: Size2;
  /** Zeros added on both sides of each spatial axis, ≥ 0. Default 0. */
  padding?: Size2;
  /** Spacing between kernel taps, ≥ 1. Default 1. */
  dilation?: Size2;
}

/** Options of `PackedConv1d`: the packing, and the window geometry of `nn.Conv1d` (in samples). */
export interface PackedConv1dOptions extends PackedConvOptions {
  /** Step between windows, ≥ 1. Default 1. */
  stride?: number;
  /** Zeros added at both ends, ≥ 0. Default 0. */
  padding?: number;
  /** Spacing between kernel taps, ≥ 1. Default 1. */
  dilation?: number;
}

/** The underlying convolution's channels and groups, computed as TorchUncertainty's PackedConv{1,2}d (0.4 to 0.8 alike). */
export interface PackedConvChannels {
  /** ext_in: the underlying convolution's input channels. */
  extendedInChannels: number;
  /** ext_out: the underlying convolution's output channels. */
  extendedOutChannels: number;
  /** Groups of the underlying convolution (1 when first). */
  groups: number;
  /** gamma after the reduction under minimumChannelsPerGroup. */
  gamma: number;
}

/**
 * Channels of a packed convolution: ext_in = ⌊in·(first ? 1 : alpha)⌋, ext_out = ⌊out·(last ? M : alpha)⌋,
 * G = first ? 1 : gamma·groups·M; while G does not divide ext_in or gives a group fewer than
 * minimumChannelsPerGroup inputs (and gamma > 1), gamma −= 1; then each width not divisible by G grows by
 * M − (width mod G) (TorchUncertainty adds M − r, not G − r). Throws on invalid alpha, gamma, M or groups.
 */
export function packedConvChannels(inChannels: number, outChannels: number, options: PackedConvOptions): PackedConvChannels {
  const { alpha, numEstimators: M, groups = 1, minimumChannelsPerGroup = 64, first = false, last = false } = options;
  let gamma = options.gamma ?? 1;
  const layer = `packed convolution (${inChannels}, ${outChannels})`;
  if (!(alpha > 0)) throw new Error(`${layer}: alpha must be > 0, got ${alpha}`);
  for (const [what, v] of [['numEstimators', M], ['gamma', gamma], ['groups', groups]] as const) {
    if (!Number.isInteger(v) || v < 1) throw new Error(`${layer}: ${what} must be a positive integer, got ${v}`);
  }
  let extIn = Math.trunc(inChannels * (first ? 1 : alpha));
  let extOut = Math.trunc(outChannels * (last ? M : alpha));
  let G = first ? 1 : gamma * groups * M;
  while ((extIn % G !== 0 || Math.floor(extIn / G) < minimumChannelsPerGroup) && Math.floor(G / (groups * M)) > 1) {
    gamma -= 1;
    G = gamma * groups * M;
  }
  if (extIn % G) extIn += M - (extIn % G);
  if (extOut % G) extOut += M - (extOut % G);
  return { extendedInChannels: extIn, extendedOutChannels: extOut, groups: G, gamma };
}

/** "b (m c) ... -> (m b) c ...": each estimator's channel block becomes its own rows (rearrangeEstimators over the flattened channels). */
function estimatorsToBatch(y: Tensor, M: number, layer: string): Tensor {
  const [B, channels, ...spatial] = y.shape;
  if (channels % M) throw new Error(`${layer}: ${channels} output channels do not split into ${M} estimators`);
  const rows = flatten(y, 1);
  const rearranged = rearrangeEstimators(rows, M);
  const out = reshape(rearranged, [M * B, channels / M, ...spatial]);
  rows.dispose();
  rearranged.dispose();
  return out;
}

/** The underlying nn.Conv's options: the layer's geometry, bias and rng, with the packing's groups. */
function convOptions<S>(o: PackedConvOptions & { stride?: S; padding?: S; dilation?: S }, groups: number) {
  return { stride: o.stride, padding: o.padding, dilation: o.dilation, groups, bias: o.bias, rng: o.rng };
}

/** What PackedConv1d and PackedConv2d share: the channel arithmetic, the input check and the `last` rearrangement. */
abstract class PackedConv extends Module {
  /** The underlying grouped convolution (state-dict keys `conv.weight`, `conv.bias`). */
  abstract conv: Conv1d | Conv2d;
  /** M, ensemble members packed in the layer. */
  readonly numEstimators: number;
  /** Whether its input is the plain, shared input (not widened, one group). */
  readonly first: boolean;
  /** Whether its output is rearranged to (M·B, outChannels, …): each estimator's outputs as rows. */
  readonly last: boolean;
  /** The underlying convolution's channels and groups, as packedConvChannels computes them. */
  readonly channels: PackedConvChannels;
  /**
   * @param inChannels Input channels before widening: ext_in is ⌊inChannels·alpha⌋ (inChannels when `first`), padded to G.
   * @param outChannels Output channels before widening: ext_out is ⌊outChannels·alpha⌋ (outChannels·M when `last`), padded to G.
   */
  constructor(readonly inChannels: number, readonly outChannels: number, options: PackedConvOptions, private readonly layer: string) {
    super();
    this.channels = packedConvChannels(inChannels, outChannels, options);
    this.numEstimators = options.numEstimators;
    this.first = options.first ?? false;
    this.last = options.last ?? false;
  }
  /**
   * The convolution of x [B, ext_in, …spatial] f32: [B, ext_out, …out spatial], or with `last`
   * (M·B, ext_out/M, …out spatial), row m·B + b holding estimator m's outputs for input b.
   * @throws Error when x does not have ext_in channels and the layer's rank, or the window does not fit.
   */
  forward(x: Tensor): Tensor {
    const spatial = this.conv instanceof Conv2d ? 2 : 1;
    if (x.rank !== 2 + spatial || x.shape[1] !== this.conv.inChannels) {
      const expected = [`B`, this.conv.inChannels, ...(spatial === 2 ? ['H', 'W'] : ['L'])].join(', ');
      throw new Error(`${this.layer}(${this.inChannels}, ${this.outChannels}): input must be [${expected}], got ${formatShape(x.shape)}`);
    }
    const y = this.conv.forward(x);
    if (!this.last) return y;
    const out = estimatorsToBatch(y, this.numEstimators, this.layer);
    y.dispose();
    return out;
  }
}

/**
 * TorchUncertainty's PackedConv2d (layers/packed.py, 0.4.3 to 0.8): one nn.Conv2d `conv` with the channels of
 * packedConvChannels (state-dict keys `conv.weight` [ext_out, ext_in/G, KH, KW] and `conv.bias` [ext_out]).
 * Input [B, ext_in, H, W]; output [B, ext_out, OH, OW], or with `last` (M·B, ext_out/M, OH, OW), row m·B + b
 * (TorchUncertainty 0.8; 0.4.3 ignores `last` in forward and returns [B, ext_out, OH, OW]). Throws as
 * packedConvChannels and nn.Conv2d do (e.g. when the widened channels are still not divisible by G).
 */
export class PackedConv2d extends PackedConv {
  /** The underlying nn.Conv2d(ext_in, ext_out, kernelSize, groups G) (keys `conv.weight`, `conv.bias`). */
  conv: Conv2d;
  /**
   * @param inChannels Input channels before widening.
   * @param outChannels Output channels before widening.
   * @param kernelSize Window size in pixels: an int or [KH, KW].
   * @throws Error as packedConvChannels and nn.Conv2d do.
   */
  constructor(inChannels: number, outChannels: number, kernelSize: Size2, options: PackedConv2dOptions) {
    super(inChannels, outChannels, options, 'PackedConv2d');
    const { extendedInChannels, extendedOutChannels, groups } = this.channels;
    this.conv = new Conv2d(extendedInChannels, extendedOutChannels, kernelSize, convOptions(options, groups));
  }
}

/** TorchUncertainty's PackedConv1d: as PackedConv2d over [B, ext_in, L] (keys `conv.weight` [ext_out, ext_in/G, K], `conv.bias`). */
export class PackedConv1d extends PackedConv {
  /** The underlying nn.Conv1d(ext_in, ext_out, kernelSize, groups G) (keys `conv.weight`, `conv.bias`). */
  conv: Conv1d;
  /**
   * @param inChannels Input channels before widening.
   * @param outChannels Output channels before widening.
   * @param kernelSize K, the window length in samples.
   * @throws Error as packedConvChannels and nn.Conv1d do.
   */
  constructor(inChannels: number, outChannels: number, kernelSize: number, options: PackedConv1dOptions) {
    super(inChannels, outChannels, options, 'PackedConv1d');
    const { extendedInChannels, extendedOutChannels, groups } = this.channels;
    this.conv = new Conv1d(extendedInChannels, extendedOutChannels, kernelSize, convOptions(options, groups));
  }
}
