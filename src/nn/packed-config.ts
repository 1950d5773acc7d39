// The architecture of a PackedMLP and its one writer into a safetensors file's `__metadata__`, so a file
// alone is enough to rebuild the model that wrote it. Every path that saves a PackedMLP goes through
// `packedMLPMetadata` (`saveSafetensors` calls it by way of `Module.fileMetadata`).
import { checkFields, oneOf, optional, positiveInteger, positiveIntegers, positiveNumber } from './config-rules.ts';

/**
 * Everything needed to rebuild a PackedMLP: its options without the initialisation Rng and the precision
 * (how it trains, not what it is). `activation` is absent from files written before GELU, which are ReLU models.
 */
export interface PackedMLPConfig {
  /** Input features per row. */
  inFeatures: number;
  /** Hidden widths before the Packed-Ensembles factor alpha widens them. */
  hiddenFeatures: number[];
  /** Classes each estimator predicts. */
  numClasses: number;
  /** Estimators M packed in every layer. */
  numEstimators: number;
  /** Width factor alpha of Packed-Ensembles. */
  alpha: number;
  /** Groups per estimator gamma. */
  gamma: number;
  /** Activation of the hidden layers; absent means 'relu'. */
  activation?: MLPActivation;
}

/**
 * The activations of a PackedMLP's hidden layers, by PyTorch's names: 'relu', 'gelu' (`nn.GELU()`, exact,
 * erf) and 'gelu_tanh' (`nn.GELU(approximate='tanh')`).
 */
export type MLPActivation = 'relu' | 'gelu' | 'gelu_tanh';
export const MLP_ACTIVATIONS: readonly MLPActivation[] = ['relu', 'gelu', 'gelu_tanh'];

/**
 * The version of the stored config: 2 since 'gelu' names the exact GELU. Configs without it were written
 * when 'gelu' was the tanh approximation, and are read so ('gelu' -> 'gelu_tanh').
 */
export const PACKED_MLP_CONFIG_VERSION = 2;

/** The `__metadata__` key that holds the JSON of a PackedMLPConfig. */
export const PACKED_MLP_METADATA_KEY = 'blockgrad.packed_mlp';

/**
 * The `__metadata__` entries that describe this architecture. `io.saveSafetensors` and
 * `io.saveTorchUncertainty` already write them for a PackedMLP; call this to describe a model yourself.
 * @throws Error when the config cannot describe a PackedMLP (see `checkConfig`).
 */
export function packedMLPMetadata(config: PackedMLPConfig): Record<string, string> {
  return { [PACKED_MLP_METADATA_KEY]: JSON.stringify({ ...checkConfig(config), version: PACKED_MLP_CONFIG_VERSION }) };
}

/**
 * The architecture stored by `packedMLPMetadata`, or null when the metadata has none.
 * @throws Error when the entry is not JSON or not a valid config.
 */
export function configFromMetadata(metadata: Record<string, string>): PackedMLPConfig | null {
  const value = metadataJson(metadata, PACKED_MLP_METADATA_KEY);
  if (value === null) return null;
  const stored = value as PackedMLPConfig & { version?: number };
  // before version 2, 'gelu' was the tanh approximation: the file keeps its meaning
  const older = typeof stored === 'object' && stored.version === undefined && stored.activation === 'gelu';
  return checkConfig(older ? { ...stored, activation: 'gelu_tanh' } : stored);
}

/**
 * The JSON value under `key` in a file's `__metadata__`, or null when the key is absent.
 * @throws Error when the entry is not JSON.
 */
export function metadataJson(metadata: Record<string, string>, key: string): unknown {
  const text = metadata[key];
  if (text === undefined) return null;
  try {
    return JSON.parse(text);
  } catch {
    throw new Error(`safetensors metadata '${key}' is not JSON: ${text.slice(0, 80)}`);
  }
}

/**
 * Returns the config with only the known fields.
 * @throws Error naming every field that breaks its rule (see checkFields) when the config cannot describe a PackedMLP.
 */
export function checkConfig(c: PackedMLPConfig): PackedMLPConfig {
  checkFields('PackedMLP', c, {
    inFeatures: positiveInteger, hiddenFeatures: positiveIntegers, numClasses: positiveInteger, numEstimators: positiveInteger,
    alpha: positiveNumber, gamma: positiveInteger, activation: optional(oneOf(MLP_ACTIVATIONS)),
  });
  const { inFeatures, hiddenFeatures, numClasses, numEstimators, alpha, gamma, activation } = c;
  return { inFeatures, hiddenFeatures: [...hiddenFeatures], numClasses, numEstimators, alpha, gamma, ...(activation ? { activation } : {}) };
}
