// A PackedMLP rebuilt from safetensors bytes: architecture from the file's metadata (or given), weights loaded.
import { PackedMLP } from '../nn/packed.ts';
import { loadSafetensors, readSafetensors } from '../io/safetensors.ts';
import { checkConfig, configFromMetadata, type PackedMLPConfig } from '../nn/packed-config.ts';

export function loadPackedMLP(bytes: Uint8Array, config?: PackedMLPConfig): { model: PackedMLP; config: PackedMLPConfig } {
  const stored = configFromMetadata(readSafetensors(bytes).metadata);
  const chosen = config ? checkConfig(config) : stored;
  if (!chosen) {
    throw new Error('loadPackedMLP: the safetensors file has no PackedMLP config in its __metadata__; pass `config`');
  }
  const model = new PackedMLP(chosen);
  loadSafetensors(model, bytes);
  model.eval();
  return { model, config: chosen };
}
