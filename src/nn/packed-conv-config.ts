// The architectures of PackedLeNet and PackedResNet as stored in a safetensors file's `__metadata__` (the
// counterpart of packed-config.ts for PackedMLP), so a saved file alone rebuilds the model that wrote it.
import { metadataJson } from './packed-config.ts';

/** PackedLeNet's options without the initialisation Rng; `asWritten` models are not saved with an architecture. */
export interface PackedLeNetConfig {
  inChannels: number;
  numClasses: number;
  numEstimators: number;
  alpha: number;
  gamma: number;
  norm: 'identity' | 'batchnorm';
  dropoutRate: number;
}

/** PackedResNet's options without the initialisation Rng (TorchUncertainty's packed_resnet arguments, camelCased). */
export interface PackedResNetConfig {
  arch: number;
  inChannels: number;
  numClasses: number;
  numEstimators: number;
  alpha: number;
  gamma: number;
  groups: number;
  style: 'cifar' | 'imagenet';
  widthMultiplier: number;
  convBias: boolean;
  dropoutRate: number;
}

/** The `__metadata__` keys holding the JSON of each config. */
export const PACKED_LENET_METADATA_KEY = 'blockgrad.packed_lenet';
export const PACKED_RESNET_METADATA_KEY = 'blockgrad.packed_resnet';

const isCount = (v: unknown): boolean => Number.isInteger(v) && (v as number) > 0;
const isRate = (v: unknown): boolean => typeof v === 'number' && v >= 0 && v < 1;

/**
 * Returns the config with only its known fields.
 * @throws Error naming the rules when the value cannot describe a PackedLeNet.
 */
export function checkLeNetConfig(c: PackedLeNetConfig): PackedLeNetConfig {
  const ok = typeof c === 'object' && c !== null && isCount(c.inChannels) && isCount(c.numClasses) && isCount(c.numEstimators) && isCount(c.gamma)
    && typeof c.alpha === 'number' && c.alpha > 0 && (c.norm === 'identity' || c.norm === 'batchnorm') && isRate(c.dropoutRate);
  if (!ok) throw new Error(`PackedLeNet config needs positive integers inChannels, numClasses, numEstimators, gamma, a positive alpha, norm 'identity' or 'batchnorm' and a dropoutRate in [0, 1); got ${JSON.stringify(c)}`);
  const { inChannels, numClasses, numEstimators, alpha, gamma, norm, dropoutRate } = c;
  return { inChannels, numClasses, numEstimators, alpha, gamma, norm, dropoutRate };
}

/**
 * Returns the config with only its known fields.
 * @throws Error naming the rules when the value cannot describe a PackedResNet (the constructor checks the arch).
 */
export function checkResNetConfig(c: PackedResNetConfig): PackedResNetConfig {
  const ok = typeof c === 'object' && c !== null && isCount(c.arch) && isCount(c.inChannels) && isCount(c.numClasses) && isCount(c.numEstimators)
    && isCount(c.gamma) && isCount(c.groups) && typeof c.alpha === 'number' && c.alpha > 0 && (c.style === 'cifar' || c.style === 'imagenet')
    && typeof c.widthMultiplier === 'number' && c.widthMultiplier > 0 && typeof c.convBias === 'boolean' && isRate(c.dropoutRate);
  if (!ok) throw new Error(`PackedResNet config needs positive integers arch, inChannels, numClasses, numEstimators, gamma, groups, a positive alpha and widthMultiplier, style 'cifar' or 'imagenet', a boolean convBias and a dropoutRate in [0, 1); got ${JSON.stringify(c)}`);
  const { arch, inChannels, numClasses, numEstimators, alpha, gamma, groups, style, widthMultiplier, convBias, dropoutRate } = c;
  return { arch, inChannels, numClasses, numEstimators, alpha, gamma, groups, style, widthMultiplier, convBias, dropoutRate };
}

/** The `__metadata__` entry that describes a PackedLeNet (its `fileMetadata`). */
export function packedLeNetMetadata(config: PackedLeNetConfig): Record<string, string> {
  return { [PACKED_LENET_METADATA_KEY]: JSON.stringify(checkLeNetConfig(config)) };
}

/** The `__metadata__` entry that describes a PackedResNet (its `fileMetadata`). */
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
