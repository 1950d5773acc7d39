// TorchUncertainty checkpoints into a model the user built, and any model back out in a chosen release's layout.
import { denseToPacked, packedToDense, storedLayout, type StoredWeight } from '../../layout.ts';
import type { LoadOptions, LoadReport, Module } from '../../nn/module.ts';
import { readSafetensors, stateValues, writeSafetensors, type HostValue, type TensorToWrite } from '../safetensors.ts';
import { stateTensors } from '../state-tensors.ts';
import { sameShape } from '../../shapes.ts';
import { FINAL_LAYER, finalLayerPrefix, keyPrefix, withConv1x1, withoutConv1x1 } from './keys.ts';
import { CURRENT_LAYOUT, parseRelease, RELEASES, releaseOf, type TorchUncertaintyLayout } from './releases.ts';

/**
 * Options of `loadTorchUncertainty`: `strict` (default true: the file must hold exactly the model's keys, as
 * PyTorch's `load_state_dict(strict=True)`) and a key renaming.
 */
export interface TorchUncertaintyOptions extends LoadOptions {
  /** Renames each checkpoint key before anything else (rarely needed: wrapper prefixes are found and stripped). */
  rename?: (key: string) => string;
}

/** What a TorchUncertainty load read and skipped. */
export interface TorchUncertaintyLoad extends LoadReport {
  /** The release whose key names the file uses and how its weights are stored; saveTorchUncertainty writes it back by default. */
  layout: TorchUncertaintyLayout;
  /** The wrapper prefix stripped from the keys (e.g. 'model.' for a Lightning routine), '' for none. */
  prefix: string;
  /** The file's `__metadata__`. */
  metadata: Record<string, string>;
}

/** A checkpoint re-keyed and re-laid out for a model. */
export interface ModelState {
  /** Values under the model's keys, weights in its [G, O, I] layout. */
  state: Record<string, HostValue>;
  /** The checkpoint key each model key came from. */
  sources: Map<string, string>;
  /** The release whose key names the checkpoint uses, and how it stores its weights. */
  layout: TorchUncertaintyLayout;
  /** The wrapper prefix stripped from the keys (e.g. 'model.'), '' for none. */
  prefix: string;
}

/** The layout each model was last loaded from, which saveTorchUncertainty writes by default. */
const loadedLayouts = new WeakMap<Module, TorchUncertaintyLayout>();

/** The layout a model was loaded from by loadTorchUncertainty or torchUncertaintyMLP, if it was. */
export function loadedLayout(model: Module): TorchUncertaintyLayout | undefined {
  return loadedLayouts.get(model);
}

/**
 * A TorchUncertainty state dict (any release's key names, any stored weight, with or without a
 * wrapper's key prefix) re-keyed for `model` and with its packed weights re-laid out as [G, O, I].
 * Throws naming the keys when two checkpoint keys load into one parameter, and naming the key when a
 * dense weight is not block-diagonal. Keys it cannot place are kept (loadStateDict reports them). `caller` heads
 * the errors (the public function the user called).
 */
export function fromTorchUncertainty(model: Module, checkpoint: Record<string, HostValue>, rename: (key: string) => string = (k) => k, caller = 'loadTorchUncertainty'): ModelState {
  const shapes = stateShapes(model);
  const finalPrefix = finalLayerPrefix([...shapes.keys()]);
  const toModel = (key: string): string => {
    const k = withoutConv1x1(key);
    return finalPrefix && k.startsWith(FINAL_LAYER) ? finalPrefix + k.slice(FINAL_LAYER.length) : k;
  };
  const renamed = Object.keys(checkpoint).map(rename);
  const prefix = keyPrefix(renamed, (k) => shapes.has(toModel(k)));
  const state: Record<string, HostValue> = {};
  const sources = new Map<string, string>();
  const stored = new Map<StoredWeight, number>();
  for (const [at, [key, value]] of Object.entries(checkpoint).entries()) {
    const stripped = renamed[at].startsWith(prefix) ? toModel(renamed[at].slice(prefix.length)) : null;
    const name = stripped !== null && shapes.has(stripped) ? stripped : renamed[at]; // one the model lacks keeps its name
    if (sources.has(name)) throw new Error(`TorchUncertainty checkpoint: '${sources.get(name)}' and '${key}' both load into '${name}'`);
    sources.set(name, key);
    const target = shapes.get(name);
    const form = target?.length === 3 ? storedLayout(value.shape, target) : null;
    if (form) stored.set(form, (stored.get(form) ?? 0) + 1);
    if (target && !form && !sameShape(value.shape, target)) {
      throw new Error(`${caller}: '${key}' is [${value.shape.join(', ')}] in the file, but the model's '${name}' is [${target.join(', ')}]${target.length === 3 && (value.shape.length !== 3 || value.shape[2] === 1) ? ' (stored as [G*O, I, 1] before release 0.5)' : ''}: check numEstimators, alpha, gamma and the widths`);
    }
    state[name] = form ? toPacked(key, value, form, target!) : value;
  }
  const weight = [...stored].sort((a, b) => b[1] - a[1])[0]?.[0] ?? CURRENT_LAYOUT.weight;
  const strippedKeys = renamed.filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
  return { state, sources, layout: { release: releaseOf(strippedKeys, weight), weight }, prefix };
}

/** The model's state-dict keys and their shapes. */
const stateShapes = (model: Module) => new Map(Object.entries(model.stateDict()).map(([k, t]) => [k, t.shape]));

function toPacked(key: string, value: HostValue, form: StoredWeight, packed: readonly number[]): HostValue {
  const [G, O, I] = packed;
  if (form === 'packed') return value;
  if (form === 'legacy') return { shape: packed, data: value.data }; // [G*O, I, 1] holds the same bytes
  try {
    return { shape: packed, data: denseToPacked(value.data, G, O, I) };
  } catch (err) {
    throw new Error(`TorchUncertainty checkpoint: ${key}: ${(err as Error).message}`);
  }
}

/**
 * Loads a re-keyed checkpoint into the model and remembers its layout. Missing and unexpected keys are
 * named as the file names them (its release's names, under its prefix), both in the strict error and in
 * the report of `{ strict: false }`, as TorchUncertainty's own `load_state_dict` would name them. `caller` heads the
 * strict error.
 */
export function loadModelState(model: Module, mapped: ModelState, metadata: Record<string, string>, options: LoadOptions, caller = 'loadTorchUncertainty'): TorchUncertaintyLoad {
  const own = model.stateDict();
  const fileName = releaseKeyNamer(model, mapped.layout);
  const missingKeys = Object.keys(own).filter((k) => !(k in mapped.state)).map((k) => mapped.prefix + fileName(k));
  const unexpectedKeys = Object.keys(mapped.state).filter((k) => !(k in own)).map((k) => mapped.sources.get(k) ?? k);
  if ((options.strict ?? true) && (missingKeys.length || unexpectedKeys.length)) {
    const problems = [missingKeys.length ? `missing keys: ${missingKeys.join(', ')}` : '', unexpectedKeys.length ? `unexpected keys: ${unexpectedKeys.join(', ')}` : ''];
    throw new Error(`${caller}: ${problems.filter(Boolean).join('; ')} (the file's keys, TorchUncertainty ${mapped.layout.release} layout; { strict: false } loads the rest)`);
  }
  model.loadStateDict(mapped.state, { ...options, strict: false });
  loadedLayouts.set(model, mapped.layout);
  return { missingKeys, unexpectedKeys, layout: mapped.layout, prefix: mapped.prefix, metadata };
}

/**
 * Loads a TorchUncertainty safetensors checkpoint into a packed model the user built (e.g. a PackedMLP
 * of the same configuration). Reads every release's layout (0.2's `layers.K.conv1x1.*`, 0.3's
 * `layers.K.*` [G*O, I, 1], 0.4's `final_layer.*`, 0.5+'s [G, O, I]), the dense block-diagonal weight of
 * the `sparse`/`full` implementations, F32/F16/BF16 values, and keys under a wrapper's prefix such as
 * Lightning's `model.`. As PyTorch's `load_state_dict`: strict (the default) throws naming missing and
 * unexpected keys; `{ strict: false }` loads the rest and returns them; a shape mismatch always throws,
 * naming the key and both shapes. Nothing is copied when it throws. Also throws on a malformed file.
 */
export function loadTorchUncertainty(model: Module, bytes: Uint8Array, options: TorchUncertaintyOptions = {}): TorchUncertaintyLoad {
  const file = readSafetensors(bytes);
  return loadModelState(model, fromTorchUncertainty(model, stateValues(file.tensors), options.rename), file.metadata, options);
}

/** Options of `saveTorchUncertainty`: which TorchUncertainty release to write for, and extra metadata. */
export interface SaveTorchUncertaintyOptions {
  /**
   * The TorchUncertainty release to write for: '0.2', '0.3', '0.4', '0.5', or a full version such as
   * '0.4.3' or '0.8.0' (0.5 and later share a layout). Default: the layout the model was loaded from
   * (its stored weight too, e.g. a dense one), else the current release's.
   */
  release?: string;
  /** String metadata written to the file's `__metadata__` beside `format: 'pt'`. */
  metadata?: Record<string, string>;
}

/**
 * The model's parameters under `layout`'s key names and stored weights, in key order. The last
 * `layers.K` becomes `final_layer` for 0.4 and later; 0.2 puts each packed layer's parameters under `conv1x1`.
 */
export async function toTorchUncertainty(model: Module, layout: TorchUncertaintyLayout): Promise<Record<string, TensorToWrite>> {
  const fileName = releaseKeyNamer(model, layout);
  const out = (await stateTensors(model)).map(([key, t]): [string, TensorToWrite] => [
    fileName(key), t.data instanceof Float32Array && t.shape.length === 3 ? storedWeight(t.data, t.shape, layout.weight) : t,
  ]);
  return Object.fromEntries(out.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/**
 * A model key -> the name `layout`'s release gives it: the last `layers.K` becomes `final_layer` for 0.4
 * and later; 0.2 puts each packed layer's parameters under `conv1x1`.
 */
function releaseKeyNamer(model: Module, layout: TorchUncertaintyLayout): (key: string) => string {
  const shapes = stateShapes(model);
  const { conv1x1, finalLayer } = RELEASES[layout.release];
  const finalPrefix = finalLayer ? finalLayerPrefix([...shapes.keys()]) : null;
  return (key) => {
    const packed = shapes.get(key.replace(/(weight|bias)$/, 'weight'))?.length === 3; // a parameter of a packed linear layer
    const name = finalPrefix && key.startsWith(finalPrefix) ? FINAL_LAYER + key.slice(finalPrefix.length) : key;
    return conv1x1 && packed ? withConv1x1(name) : name;
  };
}

function storedWeight(data: Float32Array, [G, O, I]: readonly number[], weight: StoredWeight): TensorToWrite {
  if (weight === 'legacy') return { shape: [G * O, I, 1], data };
  if (weight === 'dense') return { shape: [G * O, G * I], data: packedToDense(data, G, O, I) };
  return { shape: [G, O, I], data };
}

/**
 * The model's state dict as a safetensors checkpoint that TorchUncertainty's model of the same
 * configuration loads with `model.load_state_dict(load_file(path))`, in `options.release`'s layout (see
 * SaveTorchUncertaintyOptions). F32 (integer buffers I64), keys in order as `safetensors.torch.save_file`
 * writes them, so a checkpoint loaded and saved back in its own layout has its keys, shapes and values
 * bit for bit. `__metadata__`: `format: 'pt'`, the model's own entries (`Module.fileMetadata`: a
 * PackedMLP's architecture), then `options.metadata`.
 * Throws on an unknown release.
 */
export async function saveTorchUncertainty(model: Module, options: SaveTorchUncertaintyOptions = {}): Promise<Uint8Array> {
  const release = options.release !== undefined ? parseRelease(options.release) : null;
  const layout = release ? { release, weight: RELEASES[release].weight } : loadedLayouts.get(model) ?? CURRENT_LAYOUT;
  return writeSafetensors(await toTorchUncertainty(model, layout), { format: 'pt', ...model.fileMetadata(), ...options.metadata });
}
