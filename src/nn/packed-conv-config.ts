// The architectures of PackedLeNet and PackedResNet as stored in a safetensors file's `__metadata__` (the
// counterpart of packed-config.ts for PackedMLP), so a saved file alone rebuilds the model that wrote it.
import { metadataJson } from './packed-config.ts';
import { boolean, checkFields, oneOf, positiveInteger, positiveNumber, rate } from './config-rules.ts';

/** PackedLeNet's options without the initialisation Rng; `asWritten` models are not saved with an architecture. */
export interface PackedLeNetConfig {
  /** Channels of the input images (1 for grey, 3 for RGB), before alpha. */
  inChannels: number;
  /** C, classes each estimator predicts. */
  numClasses: number;
  /** M, ensemble members packed in each layer. */
  numEstimators: number;
  /** Width factor of Packed-Ensembles (> 0): every hidden width is multiplied by it. */
  alpha: number;
  /** Groups per estimator in each layer (≥ 1). */
  gamma: number;
  /** 'identity' (no normalisation) or 'batchnorm' (BatchNorm2d after each convolution). */
  norm: 'identity' | 'batchnorm';
  /** Dropout probability, in [0, 1). */
  dropoutRate: number;
}

/** PackedResNet's options without the initialisation Rng (TorchUncertainty's packed_resnet arguments, camelCased). */
export interface PackedResNetConfig {
  /** Depth, as TorchUncertainty's `arch`: 18, 20, 34, 44, 50, 56, 101, 110, 152 or 1202 (bottleneck blocks for 50, 101, 152). */
  arch: number;
  /** Channels of the input images (3 for RGB), before alpha. */
  inChannels: number;
  /** C, classes each estimator predicts. */
  numClasses: number;
  /** M, ensemble members packed in each layer. */
  numEstimators: number;
  /** Width factor of Packed-Ensembles (> 0): every hidden width is multiplied by it. */
  alpha: number;
  /** Groups per estimator in each layer (≥ 1). */
  gamma: number;
  /** Groups of the blocks' convolutions within each estimator (TorchUncertainty's `groups`, ≥ 1). */
  groups: number;
  /** 'cifar' (3×3 stem, no pooling) or 'imagenet' (7×7 stride-2 stem and 3×3 max pooling). */
  style: 'cifar' | 'imagenet';
  /** Scales the first stage's width (64, or 16 for the 3-stage archs), truncated (> 0). */
  widthMultiplier: number;
  /** Whether the convolutions have a bias. */
  convBias: boolean;
  /** Dropout probability before the last layer, in [0, 1). */
  dropoutRate: number;
}

/** The `__metadata__` key holding the JSON of a PackedLeNet's config. */
export const PACKED_LENET_METADATA_KEY = 'blockgrad.packed_lenet';
/** The `__metadata__` key holding the JSON of a PackedResNet's config. */
export const PACKED_RESNET_METADATA_KEY = 'blockgrad.packed_resnet';

/**
 * Returns the config with only its known fields.
 * @throws Error naming every field that breaks its rule (see checkFields) when the value cannot describe a PackedLeNet.
 */
export function checkLeNetConfig(c: PackedLeNetConfig): PackedLeNetConfig {
  checkFields('PackedLeNet', c, {
    inChannels: positiveInteger, numClasses: positiveInteger, numEstimators: positiveInteger, alpha: positiveNumber, gamma: positiveInteger,
    norm: oneOf(['identity', 'batchnorm']), dropoutRate: rate,
  });
  const { inChannels, numClasses, numEstimators, alpha, gamma, norm, dropoutRate } = c;
  return { inChannels, numClasses, numEstimators, alpha, gamma, norm, dropoutRate };
}

/**
 * Returns the config with only its known fields.
 * @throws Error naming every field that breaks its rule (see checkFields) when the value cannot describe a PackedResNet
 * (the constructor checks which archs exist).
 */
export function checkResNetConfig(c: PackedResNetConfig): PackedResNetConfig {
  checkFields('PackedResNet', c, {
    arch: positiveInteger, inChannels: positiveInteger, numClasses: positiveInteger, numEstimators: positiveInteger, alpha: positiveNumber,
    gamma: positiveInteger, groups: positiveInteger, style: oneOf(['cifar', 'imagenet']), widthMultiplier: positiveNumber, convBias: boolean,
    dropoutRate: rate,
  });
  const { arch, inChannels, numClasses, numEstimators, alpha, gamma, groups, style, widthMultiplier, convBias, dropoutRate } = c;
  return { arch, inChannels, numClasses, numEstimators, alpha, gamma, groups, style, widthMultiplier, convBias, dropoutRate };
}

/**
 * The `__metadata__` entry that describes a PackedLeNet (its `fileMetadata`): the config's JSON under
 * PACKED_LENET_METADATA_KEY.
 * @throws Error as checkLeNetConfig when the config cannot describe a PackedLeNet.
 */
export function packedLeNetMetadata(config: PackedLeNetConfig): Record<string, string> {
  return { [PACKED_LENET_METADATA_KEY]: JSON.stringify(checkLeNetConfig(config)) };
}

/**
 * The `__metadata__` entry that describes a PackedResNet (its `fileMetadata`): the config's JSON under
 * PACKED_RESNET_METADATA_KEY.
 * @throws Error as checkResNetConfig when the config cannot describe a PackedResNet.
 */
export function packedResNetMetadata(config: PackedResNetConfig): Record<string, string> {
  return { [PACKED_RESNET_METADATA_KEY]: JSON.stringify(checkResNetConfig(config)) };
}

/** The PackedLeNet config in a file's metadata, or null. @throws when it is there but malformed. */
export function leNetConfigFromMetadata(metadata: Record<string, string>): PackedLeNetConfig | null {
  const value = metadataJson(metadata, PACKED_LENET_METADATA_KEY);
  return value === null ? null : checkLeNetConfig(value as PackedLeNetConfig);
}

/** The PackedResNet config in a file's metadata, or null. @throws when it is there but malformed. */
export function resNetConfigFromMetadata(metadata: Record<string, string>): PackedResNetConfig | null {
  const value = metadataJson(metadata, PACKED_RESNET_METADATA_KEY);
  return value === null ? null : checkResNetConfig(value as PackedResNetConfig);
}
