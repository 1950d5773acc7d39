// TorchUncertainty checkpoints into packed models and back. Reads its current PackedLinear layout
// [G, O, I], the legacy conv1x1 one [G*O, I, 1] (keys `weight` or `conv1x1.weight`), and the dense
// block-diagonal [G*O, G*I] weight of its sparse/full implementations; saves the current layout.
import { denseToPacked, storedLayout } from '../layout.ts';
import type { LoadOptions, Module } from '../nn/module.ts';
import type { Shape } from '../tensor.ts';
import { readSafetensors, saveSafetensors, stateValues, type HostValue, type Safetensors } from './safetensors.ts';

export interface TorchUncertaintyOptions extends LoadOptions {
  /** Renames each checkpoint key first, e.g. `(k) => k.replace(/^model\./, '')` for a Lightning routine. */
  rename?: (key: string) => string;
}

/** `layers.0.conv1x1.weight` -> `layers.0.weight` (TorchUncertainty's PackedLinear before its own parameters). */
export function modelKey(key: string): string {
  return key.replace(/(^|\.)conv1x1\.(weight|bias)$/, '$1$2');
}

/** Checkpoint values re-keyed and re-laid out for the model's packed [G, O, I] parameters. */
export function fromTorchUncertainty(model: Module, state: Record<string, HostValue>, rename: (key: string) => string = (k) => k): Record<string, HostValue> {
  const shapes = new Map(model.namedParameters().map(([k, p]) => [k, p.shape]));
  const out: Record<string, HostValue> = {};
  const source: Record<string, string> = {};
  for (const [key, value] of Object.entries(state)) {
    const name = modelKey(rename(key));
    if (name in out) throw new Error(`TorchUncertainty checkpoint: '${source[name]}' and '${key}' both load into '${name}'`);
    const target = shapes.get(name);
    out[name] = target?.length === 3 ? toPacked(name, value, target) : value;
    source[name] = key;
  }
  return out;
}

function toPacked(name: string, value: HostValue, packed: Shape): HostValue {
  const [G, O, I] = packed;
  switch (storedLayout(value.shape, packed)) {
    case 'legacy':
      return { shape: packed, data: value.data };
    case 'dense':
      try {
        return { shape: packed, data: denseToPacked(value.data, G, O, I) };
      } catch (err) {
        throw new Error(`TorchUncertainty checkpoint: ${name}: ${(err as Error).message}`);
      }
    default:
      return value; // the current layout, or a shape loadStateDict will name
  }
}

/** Loads a TorchUncertainty safetensors checkpoint (any of its layouts) into a packed model; returns the file. */
export function loadTorchUncertainty(model: Module, bytes: Uint8Array, options: TorchUncertaintyOptions = {}): Safetensors {
  const file = readSafetensors(bytes);
  model.loadStateDict(fromTorchUncertainty(model, stateValues(file.tensors), options.rename), options);
  return file;
}

/** The model as a safetensors checkpoint in TorchUncertainty's current layout (loads with `load_state_dict`). */
export function saveTorchUncertainty(model: Module, metadata: Record<string, string> = {}): Promise<Uint8Array> {
  return saveSafetensors(model, { format: 'pt', ...metadata });
}
