// A PackedMLP rebuilt from safetensors bytes: architecture from the file's metadata (or given), weights loaded.
import { PackedMLP } from '../nn/packed.ts';
import { readSafetensors } from '../io/safetensors.ts';
import { loadTorchUncertainty } from '../io/torch-uncertainty/checkpoint.ts';
import { checkConfig, configFromMetadata, type PackedMLPConfig } from '../nn/packed-config.ts';

export function loadPackedMLP(bytes: Uint8Array, config?: PackedMLPConfig): { model: PackedMLP; config: PackedMLPConfig } {
  const stored = configFromMetadata(readSafetensors(bytes).metadata);
  const chosen = config ? checkConfig(config) : stored;
  if (!chosen) {
    throw new Error('loadPackedMLP: the safetensors file has no PackedMLP config in its __metadata__; pass `config`');
  }
  const model = new PackedMLP(chosen);
  loadTorchUncertainty(model, bytes); // blockgrad's own keys, or any TorchUncertainty release's (final_layer, conv1x1, ...)
  model.eval();
  return { model, config: chosen };
}
