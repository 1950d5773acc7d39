// A served model rebuilt from safetensors bytes: PackedMLP, PackedLeNet or PackedResNet, its architecture from
// the file's metadata (or given), weights loaded, in eval mode; and the input shape each takes.
import { PackedMLP } from '../nn/packed.ts';
import { PackedLeNet } from '../nn/packed-lenet.ts';
import { PackedResNet } from '../nn/packed-resnet.ts';
import { readSafetensors, stateValues, type Safetensors } from '../io/safetensors.ts';
import { sizeOf } from '../shapes.ts';
import { fromTorchUncertainty, loadModelState } from '../io/torch-uncertainty/checkpoint.ts';
import { checkConfig, configFromMetadata, type PackedMLPConfig } from '../nn/packed-config.ts';
import {
  checkLeNetConfig, checkResNetConfig, leNetConfigFromMetadata, resNetConfigFromMetadata, type PackedLeNetConfig, type PackedResNetConfig,
} from '../nn/packed-conv-config.ts';

/** The architectures createInferenceWorker serves. */
export type Architecture = 'PackedMLP' | 'PackedLeNet' | 'PackedResNet';
/** A model that `loadModel` rebuilds and `createInferenceWorker` serves. */
export type ServedModel = PackedMLP | PackedLeNet | PackedResNet;
/** The config of one of them (see PackedMLPConfig, PackedLeNetConfig, PackedResNetConfig). */
export type ModelConfig = PackedMLPConfig | PackedLeNetConfig | PackedResNetConfig;

/** What `loadModel` returns: the rebuilt model, in eval mode, with its architecture and config. */
export interface LoadedModel {
  /** The model, its weights loaded from the file, on the current backend. */
  model: ServedModel;
  /** Which model it is, from the file's metadata or as given. */
  architecture: Architecture;
  /** Its config (a PackedMLPConfig, PackedLeNetConfig or PackedResNetConfig, by `architecture`). */
  config: ModelConfig;
}

const builders: Record<Architecture, { fromMetadata(m: Record<string, string>): ModelConfig | null; check(c: ModelConfig): ModelConfig; build(c: ModelConfig): ServedModel }> = {
  PackedMLP: { fromMetadata: configFromMetadata, check: (c) => checkConfig(c as PackedMLPConfig), build: (c) => new PackedMLP(c as PackedMLPConfig) },
  PackedLeNet: { fromMetadata: leNetConfigFromMetadata, check: (c) => checkLeNetConfig(c as PackedLeNetConfig), build: (c) => new PackedLeNet(c as PackedLeNetConfig) },
  PackedResNet: { fromMetadata: resNetConfigFromMetadata, check: (c) => checkResNetConfig(c as PackedResNetConfig), build: (c) => new PackedResNet(c as PackedResNetConfig) },
};

/**
 * Rebuilds the model a safetensors file holds. Without `config`, the architecture comes from the file's
 * `__metadata__` (what `io.saveSafetensors` writes for these models); with it, `architecture` (default
 * 'PackedMLP') says which model the config describes.
 * @throws when `architecture` is not one of the three, the file holds no config of the architecture asked for (naming
 * the one it holds) and none is given, a conv model's config comes without its architecture, a config is malformed,
 * or the weights do not fit.
 */
export function loadModel(bytes: Uint8Array, choice: { architecture?: Architecture; config?: ModelConfig } = {}): LoadedModel {
  let architecture: Architecture, config: ModelConfig, file: Safetensors | undefined;
  if (choice.architecture !== undefined && !Object.hasOwn(builders, choice.architecture)) {
    throw new Error(`loadModel: architecture must be one of ${Object.keys(builders).join(', ')}, got '${choice.architecture}'`);
  }
  if (choice.config) {
    architecture = choice.architecture ?? 'PackedMLP';
    if (!choice.architecture && 'inChannels' in choice.config) {
      throw new Error("loadModel: the config has inChannels, a conv model's; pass architecture: 'PackedLeNet' or 'PackedResNet' with it (the default is 'PackedMLP')");
    }
    config = builders[architecture].check(choice.config);
  } else {
    file = readSafetensors(bytes);
    const { metadata } = file;
    const held = (Object.keys(builders) as Architecture[])
      .map((a) => [a, builders[a].fromMetadata(metadata)] as const)
      .filter((entry): entry is readonly [Architecture, ModelConfig] => entry[1] !== null);
    const found = held.find(([a]) => !choice.architecture || a === choice.architecture);
    if (!found) {
      const instead = held.length ? ` (it holds a ${held[0][0]} config)` : choice.architecture ? '' : ' (nor a PackedLeNet or PackedResNet one)';
      throw new Error(`loadModel: the safetensors file has no ${choice.architecture ?? 'PackedMLP'} config in its __metadata__${instead}; pass \`config\``);
    }
    [architecture, config] = found;
  }
  const model = builders[architecture].build(config);
  file ??= readSafetensors(bytes); // parsed once: without a config it was read above for its metadata
  // blockgrad's own keys, or any TorchUncertainty release's (final_layer, conv1x1, ...), as loadTorchUncertainty reads them
  loadModelState(model, fromTorchUncertainty(model, stateValues(file.tensors), undefined, 'loadModel'), file.metadata, {}, 'loadModel');
  model.eval();
  return { model, architecture, config };
}

/** A PackedMLP rebuilt from safetensors bytes (see loadModel). @throws as loadModel. */
export function loadPackedMLP(bytes: Uint8Array, config?: PackedMLPConfig): {
  /** The model, in eval mode, on the current backend. */
  model: PackedMLP;
  /** Its config, from the file's `__metadata__` or as given. */
  config: PackedMLPConfig;
} {
  const loaded = loadModel(bytes, { architecture: 'PackedMLP', config });
  return { model: loaded.model as PackedMLP, config: loaded.config as PackedMLPConfig };
}

/**
 * The full input shape of a batch: [n, inFeatures] for a PackedMLP (given n or that shape), [n, inChannels, H, W]
 * for the conv models (given that shape; any H and W the network accepts).
 * @throws when x is not an array of values, the shape is neither a row count nor an array, has a dimension that is not a positive integer (a batch
 * holds at least one row), does not fit the architecture, or does not hold x.length values.
 */
export function batchShape(architecture: Architecture, config: ModelConfig, x: ArrayLike<number>, shape: number | readonly number[]): number[] {
  if (!ArrayBuffer.isView(x) && !Array.isArray(x)) throw new Error(`predict: x must be a Float32Array of the batch's values, got ${x === null ? 'null' : typeof x}`);
  const length = x.length;
  if (typeof shape !== 'number' && !Array.isArray(shape)) throw new Error(`predict: shape must be a row count or an array of dimensions, got ${typeof shape === 'string' ? `the string '${shape}'` : String(shape)}`);
  const full = typeof shape === 'number' ? (architecture === 'PackedMLP' ? [shape, (config as PackedMLPConfig).inFeatures] : null) : [...shape];
  if (!full) throw new Error(`predict: a ${architecture} takes images: pass their shape [n, ${(config as PackedLeNetConfig).inChannels}, height, width], not a row count`);
  if (!full.every((d) => Number.isInteger(d) && d >= 1)) {
    throw new Error(`predict: the shape's dimensions must be positive integers (a batch holds at least one row), got [${full.join(', ')}]`);
  }
  if (sizeOf(full) !== length) throw new Error(`predict: ${length} values are not a batch of shape [${full.join(', ')}]`);
  const wanted = architecture === 'PackedMLP' ? [(config as PackedMLPConfig).inFeatures] : [(config as PackedLeNetConfig | PackedResNetConfig).inChannels];
  if (architecture === 'PackedMLP' ? full.length !== 2 || full[1] !== wanted[0] : full.length !== 4 || full[1] !== wanted[0]) {
    const expected = architecture === 'PackedMLP' ? `[n, ${wanted[0]}]` : `[n, ${wanted[0]}, height, width]`;
    throw new Error(`predict: a ${architecture} takes ${expected}, got [${full.join(', ')}]`);
  }
  return full;
}
