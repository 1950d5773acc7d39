// The architecture of a PackedMLP as stored in a safetensors file's `__metadata__`, so a file alone
// is enough to rebuild the model that wrote it.
import type { PackedMLPOptions } from '../nn/packed.ts';

/**
 * Everything needed to rebuild a PackedMLP (its options without the initialisation Rng; precision is how it
 * trains, not what it is). `activation` is absent from files written before GELU, which are ReLU models.
 */
export type PackedMLPConfig = Required<Omit<PackedMLPOptions, 'rng' | 'precision' | 'activation'>> & Pick<PackedMLPOptions, 'activation'>;

/** The `__metadata__` key that holds the JSON of a PackedMLPConfig. */
export const PACKED_MLP_METADATA_KEY = 'blockgrad.packed_mlp';

/** The `__metadata__` entries that describe this architecture (pass them to `io.saveSafetensors`). */
export function packedMLPMetadata(config: PackedMLPConfig): Record<string, string> {
  return { [PACKED_MLP_METADATA_KEY]: JSON.stringify(checkConfig(config)) };
}

/** The architecture stored by `packedMLPMetadata`, or null when the metadata has none. */
export function configFromMetadata(metadata: Record<string, string>): PackedMLPConfig | null {
  const text = metadata[PACKED_MLP_METADATA_KEY];
  if (text === undefined) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`safetensors metadata '${PACKED_MLP_METADATA_KEY}' is not JSON: ${text.slice(0, 80)}`);
  }
  return checkConfig(value as PackedMLPConfig);
}

const isCount = (v: unknown): boolean => Number.isInteger(v) && (v as number) > 0;

/** Throws on a config that cannot describe a PackedMLP; returns it with only the known fields. */
export function checkConfig(c: PackedMLPConfig): PackedMLPConfig {
  const ok = typeof c === 'object' && c !== null
    && isCount(c.inFeatures) && isCount(c.numClasses) && isCount(c.numEstimators) && isCount(c.gamma)
    && typeof c.alpha === 'number' && c.alpha > 0
    && Array.isArray(c.hiddenFeatures) && c.hiddenFeatures.every(isCount)
    && (c.activation === undefined || c.activation === 'relu' || c.activation === 'gelu');
  if (!ok) {
    throw new Error(`PackedMLP config needs positive integers inFeatures, numClasses, numEstimators, gamma, hiddenFeatures[], a positive alpha and an activation of 'relu' or 'gelu' if any; got ${JSON.stringify(c)}`);
  }
  const { inFeatures, hiddenFeatures, numClasses, numEstimators, alpha, gamma, activation } = c;
  return { inFeatures, hiddenFeatures: [...hiddenFeatures], numClasses, numEstimators, alpha, gamma, ...(activation ? { activation } : {}) };
}
