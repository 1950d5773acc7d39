// A packed LeNet with TorchUncertainty's module names and keys (models/classification/lenet.py, packed_lenet),
// built so that it runs: its conv1 is `first` and fc3 `last`, which TorchUncertainty's own builder omits.
import { engine } from '../engine.ts';
import { relu } from '../ops/unary.ts';
import { maxPool2d } from '../ops/pool.ts';
import { flatten, rearrangeEstimators } from '../ops/shape.ts';
import type { Rng } from '../random.ts';
import { formatShape } from '../shapes.ts';
import type { Tensor } from '../tensor.ts';
import { Module } from './module.ts';
import { BatchNorm2d } from './norm.ts';
import { PackedConv2d } from './packed-conv.ts';
import { PackedLinear } from './packed.ts';
import { packedLeNetMetadata, type PackedLeNetConfig } from './packed-conv-config.ts';
import { AdaptiveAvgPool2d, Dropout, Dropout2d, Identity } from './pool.ts';

/** The smallest image side: 16 → conv 12 → pool 6 → conv 2 → pool 1 (from 15 the last pooling gets 1 × 1 and gives nothing). */
const MIN_SIDE = 16;

/** Options of `PackedLeNet`, as TorchUncertainty's `packed_lenet` arguments (camelCased). */
export interface PackedLeNetOptions {
  /** Channels of the input images (1 for grey, 3 for RGB). */
  inChannels: number;
  /** C, classes each estimator predicts. */
  numClasses: number;
  /** Default 4. */
  numEstimators?: number;
  /** Default 2. */
  alpha?: number;
  /** Default 1. */
  gamma?: number;
  /** 'identity' (default) or 'batchnorm' (BatchNorm2d after each conv, sized for the widened channels). */
  norm?: 'identity' | 'batchnorm';
  /** Dropout2d after each conv block and Dropout after fc1 and fc2. Default 0. */
  dropoutRate?: number;
  /**
   * Build packed_lenet exactly as TorchUncertainty writes it (default false): conv1 not `first` (it takes
   * alpha·inChannels input channels, padded to a multiple of M) and fc3 not `last` (output (B, alpha·numClasses),
   * not per-estimator logits, so estimatorLogits refuses it). For comparing with TorchUncertainty's own runs.
   */
  asWritten?: boolean;
  /** Draws the initial weights. Default: the library's generator, which `seed()` resets. */
  rng?: Rng;
}

/**
 * Packed LeNet: conv1 PackedConv2d(inChannels, 6, 5, first) - [norm1] - relu - dropout2d - max pool 2,
 * conv2 PackedConv2d(6, 16, 5) - [norm2] - relu - dropout2d - max pool 2, AdaptiveAvgPool2d(4, 4), flatten,
 * fc1 PackedLinear(256, 120) - relu - dropout, fc2 PackedLinear(120, 84) - relu - dropout, fc3 PackedLinear(84,
 * numClasses, last). Keys as TorchUncertainty's: conv1.conv.{weight,bias}, norm1.*, conv2.conv.*, norm2.*,
 * fc1/fc2/fc3.{weight,bias}. Differs from TorchUncertainty's packed_lenet (which no release can run on a
 * 1-channel image) in conv1 `first`, fc3 `last` and BatchNorm2d sized alpha·6 / alpha·16 (see `asWritten`).
 * Input [B, inChannels, H, W] with H, W ≥ 16 (28×28 as MNIST). forward: (B, M·C); estimatorLogits: (M·B, C).
 * Throws when alpha and M give widths that do not chain (TorchUncertainty pads one layer's input but not the
 * previous layer's output).
 */
export class PackedLeNet extends Module {
  /** PackedConv2d(inChannels, 6, kernel 5), `first`: its input is the plain image. */
  conv1: PackedConv2d;
  /** BatchNorm2d(alpha·6) with norm 'batchnorm', else Identity. */
  norm1: Module;
  /** Dropout2d(dropoutRate) after each convolution block. */
  convDropout: Dropout2d;
  /** PackedConv2d(6, 16, kernel 5). */
  conv2: PackedConv2d;
  /** BatchNorm2d(alpha·16) with norm 'batchnorm', else Identity. */
  norm2: Module;
  /** AdaptiveAvgPool2d([4, 4]) before flattening. */
  pooling: AdaptiveAvgPool2d;
  /** PackedLinear(256, 120). */
  fc1: PackedLinear;
  /** Dropout(dropoutRate) after fc1. */
  fcDropout: Dropout;
  /** PackedLinear(120, 84). */
  fc2: PackedLinear;
  /** Dropout(dropoutRate) after fc2. */
  lastFcDropout: Dropout;
  /** PackedLinear(84, numClasses), `last`: per-estimator logits (not last when asWritten). */
  fc3: PackedLinear;
  /** M, ensemble members. */
  readonly numEstimators: number;
  /** C, classes each estimator predicts. */
  readonly numClasses: number;
  /** Whether it was built exactly as TorchUncertainty writes packed_lenet (see PackedLeNetOptions.asWritten). */
  readonly asWritten: boolean;
  /** The options it was built with (without the Rng): what `fileMetadata` saves. */
  readonly config: PackedLeNetConfig;
  /**
   * Builds the layers with freshly initialised parameters on the current backend.
   * @throws Error when norm is neither 'identity' nor 'batchnorm', an option is out of range, or alpha and M
   *   give widths that do not chain (the message names both layers and widths).
   */
  constructor(options: PackedLeNetOptions) {
    super();
    const { inChannels, numClasses, numEstimators = 4, alpha = 2, gamma = 1, norm = 'identity', dropoutRate = 0, asWritten = false, rng } = options;
    if (norm !== 'identity' && norm !== 'batchnorm') throw new Error(`PackedLeNet: norm must be 'identity' or 'batchnorm', got '${norm}'`);
    const args = { alpha, numEstimators, gamma, rng };
    this.conv1 = new PackedConv2d(inChannels, 6, 5, { ...args, first: !asWritten });
    this.norm1 = norm === 'batchnorm' ? new BatchNorm2d(this.conv1.conv.outChannels) : new Identity();
    this.convDropout = new Dropout2d(dropoutRate, rng);
    this.conv2 = new PackedConv2d(6, 16, 5, args);
    this.norm2 = norm === 'batchnorm' ? new BatchNorm2d(this.conv2.conv.outChannels) : new Identity();
    this.pooling = new AdaptiveAvgPool2d([4, 4]);
    this.fc1 = new PackedLinear(256, 120, args);
    this.fcDropout = new Dropout(dropoutRate, rng);
    this.fc2 = new PackedLinear(120, 84, args);
    this.lastFcDropout = new Dropout(dropoutRate, rng);
    this.fc3 = new PackedLinear(84, numClasses, { ...args, last: !asWritten });
    const chain: [string, number, string, number][] = [
      ['conv1', this.conv1.conv.outChannels, 'conv2', this.conv2.conv.inChannels],
      ['conv2 (×4×4 pooled)', this.conv2.conv.outChannels * 16, 'fc1', this.fc1.inFeatures],
      ['fc1', this.fc1.outFeatures, 'fc2', this.fc2.inFeatures],
      ['fc2', this.fc2.outFeatures, 'fc3', this.fc3.inFeatures],
    ];
    for (const [a, out, b, input] of chain) {
      if (out !== input) throw new Error(`PackedLeNet: with alpha ${alpha} and ${numEstimators} estimators ${a} gives ${out} features but ${b} takes ${input}`);
    }
    this.numEstimators = numEstimators;
    this.numClasses = numClasses;
    this.asWritten = asWritten;
    this.config = { inChannels, numClasses, numEstimators, alpha, gamma, norm, dropoutRate };
  }

  /** Its architecture under `PACKED_LENET_METADATA_KEY` (none when asWritten), so a saved file alone rebuilds the model. */
  override fileMetadata(): Record<string, string> {
    return this.asWritten ? {} : packedLeNetMetadata(this.config);
  }

  /**
   * Packed logits (B, M·C) from images x [B, inChannels, H, W] f32 with H, W ≥ 16: estimator m's logits are
   * columns [m·C, (m+1)·C) (asWritten: TorchUncertainty's (B, alpha·C)).
   * @throws Error when x is not [B, inChannels, H, W] f32 (naming both shapes), the images are too small for
   *   the two 5×5 convolutions and poolings, or a tensor was disposed.
   */
  forward(x: Tensor): Tensor {
    const channels = this.conv1.conv.inChannels;
    if (x.rank !== 4 || x.shape[1] !== channels) throw new Error(`PackedLeNet: input must be [B, ${channels}, H, W], got ${formatShape(x.shape)}`);
    if (x.shape[2] < MIN_SIDE || x.shape[3] < MIN_SIDE) {
      throw new Error(`PackedLeNet: images must be at least ${MIN_SIDE}x${MIN_SIDE} (two 5x5 convolutions, each followed by a 2x2 max pooling), got ${formatShape(x.shape)}`);
    }
    return engine.tidy(() => {
      let h = maxPool2d(this.convDropout.forward(relu(this.norm1.forward(this.conv1.forward(x)))), 2);
      h = maxPool2d(this.convDropout.forward(relu(this.norm2.forward(this.conv2.forward(h)))), 2);
      h = flatten(this.pooling.forward(h), 1);
      h = this.fcDropout.forward(relu(this.fc1.forward(h)));
      h = this.lastFcDropout.forward(relu(this.fc2.forward(h)));
      return this.fc3.forward(h);
    });
  }

  /**
   * TorchUncertainty's output convention for packed models: logits (M·B, C), row m·B + b = estimator m on image b.
   * @throws Error when the model was built asWritten (no per-estimator logits), and as `forward`.
   */
  estimatorLogits(x: Tensor): Tensor {
    if (this.asWritten) throw new Error('PackedLeNet: a model built asWritten has no per-estimator logits (its fc3 is not last); use forward');
    return engine.tidy(() => rearrangeEstimators(this.forward(x), this.numEstimators));
  }
}
