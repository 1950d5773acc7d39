// A PackedMLP built from a TorchUncertainty packed_mlp checkpoint's shapes alone.
import { denseToPacked, type StoredWeight } from '../../layout.ts';
import type { LoadOptions } from '../../nn/module.ts';
import { PackedMLP } from '../../nn/packed.ts';
import type { MLPActivation } from '../../nn/packed-config.ts';
import { packedWidths } from '../../nn/packed-widths.ts';
import type { Precision } from '../../backend/backend.ts';
import { formatShape } from '../../shapes.ts';
import { readSafetensors, stateValues, type HostValue } from '../safetensors.ts';
import { fromTorchUncertainty, loadModelState } from './checkpoint.ts';
import { FINAL_LAYER, keyPrefix } from './keys.ts';

/**
 * Options of `torchUncertaintyMLP`: what TorchUncertainty's `packed_mlp` was built with that the checkpoint's
 * shapes do not tell, and `strict` (default true).
 */
export interface TorchUncertaintyMLPOptions extends LoadOptions {
  /** M, the `num_estimators` the model was built with (the shapes give only M·gamma). */
  numEstimators: number;
  /**
   * The `activation` it was built with: 'relu' (F.relu, its default), 'gelu' (F.gelu) or 'gelu_tanh'
   * (`partial(F.gelu, approximate='tanh')`). Default 'relu'.
   */
  activation?: MLPActivation;
  /**
   * The `alpha` it was built with, to report `hiddenFeatures` as its `hidden_dims` (the shapes give
   * only the extended widths hidden·alpha). Default: 2 (packed_mlp's default) when the widths fit it, else 1.
   */
  alpha?: number;
  /** Precision of the block GEMMs, as PackedMLPOptions.precision. */
  precision?: Precision;
}

/** One layer of the file: its weight and bias keys (as stored) and values. */
interface StoredLayer {
  name: string;
  weightKey: string;
  weight: HostValue;
  bias?: HostValue;
}

/** A layer's block shape once its stored weight is read. */
interface Block {
  G: number;
  O: number;
  I: number;
}

const MLP_KEY = /^(?:layers\.(\d+)\.(?:conv1x1\.)?|final_layer\.)(weight|bias)$/;

function fail(message: string): never {
  throw new Error(`torchUncertaintyMLP: ${message}`);
}

/** The file's packed_mlp layers in order: layers.0…K, then final_layer. */
function storedLayers(state: Record<string, HostValue>, prefix: string): StoredLayer[] {
  const byName = new Map<string, Partial<StoredLayer>>();
  for (const [key, value] of Object.entries(state)) {
    if (!key.startsWith(prefix)) continue;
    const m = MLP_KEY.exec(key.slice(prefix.length));
    if (!m) continue;
    const name = m[1] === undefined ? 'final_layer' : `layers.${m[1]}`;
    const layer = byName.get(name) ?? { name };
    if (m[2] === 'weight') Object.assign(layer, { weightKey: key, weight: value });
    else layer.bias = value;
    byName.set(name, layer);
  }
  const hidden = [...byName.keys()].filter((n) => n !== 'final_layer').map((n) => Number(n.slice('layers.'.length))).sort((a, b) => a - b);
  hidden.forEach((k, at) => k !== at && fail(`the file has layers.${k} but no layers.${at}`));
  const layers = [...hidden.map((k) => byName.get(`layers.${k}`)!), ...(byName.has('final_layer') ? [byName.get('final_layer')!] : [])];
  if (!layers.length) fail(`no packed_mlp keys (layers.K.weight, final_layer.weight) in the file; its keys: ${Object.keys(state).join(', ')}`);
  for (const layer of layers) if (!layer.weight) fail(`${prefix}${layer.name} has a bias but no weight`);
  return layers as StoredLayer[];
}

/**
 * Each layer's [G, O, I] when the file's 3-D weights are stored as `form`, checked along the chain
 * (the first layer has one group; each layer takes the features the one before gives; every bias is
 * [G*O]); dense weights take `denseGroups` blocks. Throws naming the key and both shapes.
 */
function blocks(layers: StoredLayer[], form: 'packed' | 'legacy', denseGroups: number | null): Block[] {
  const out: Block[] = [];
  for (const [k, layer] of layers.entries()) {
    const s = layer.weight.shape, before = out[k - 1];
    const inWidth = before ? before.G * before.O : null;
    const where = `${layer.weightKey} is ${formatShape(s)}`;
    let block: Block;
    if (s.length === 2) {
      const G = k === 0 ? 1 : denseGroups;
      if (G === null || s[0] % G || s[1] % G) fail(`${where}: no block count divides it as a block-diagonal [G*O, G*I] weight`);
      block = { G, O: s[0] / G, I: s[1] / G };
    } else if (s.length === 3 && form === 'packed') {
      block = { G: s[0], O: s[1], I: s[2] };
    } else if (s.length === 3 && s[2] === 1) {
      const G = inWidth === null ? 1 : inWidth / s[1];
      if (!Number.isInteger(G) || s[0] % G) fail(`${where} but ${layers[k - 1].name} gives ${inWidth} features: expected [G*O, ${inWidth}/G, 1]`);
      block = { G, O: s[0] / G, I: s[1] };
    } else {
      fail(`${where}, which is no packed [G, O, I], [G*O, I, 1] or block-diagonal [G*O, G*I] weight`);
    }
    if (k === 0 && block.G !== 1) fail(`${where}: the first layer of a packed_mlp has one group, expected [1, ${s[1]}, ${s[2]}]`);
    if (inWidth !== null && block.G * block.I !== inWidth) {
      const expected = form === 'packed' && s.length === 3 ? formatShape([block.G, block.O, inWidth / block.G]) : `a weight taking ${inWidth} features`;
      fail(`${where} but ${layers[k - 1].name} gives ${inWidth} features: expected ${expected}`);
    }
    if (layer.bias && (layer.bias.shape.length !== 1 || layer.bias.shape[0] !== block.G * block.O)) {
      fail(`${layer.weightKey.replace(/weight$/, 'bias')} is ${formatShape(layer.bias.shape)} but its weight ${formatShape(s)} gives ${block.G * block.O} outputs: expected [${block.G * block.O}]`);
    }
    out.push(block);
  }
  return out;
}

/** The block count of the file's dense non-first weights: the most blocks (a multiple of M) they are all block-diagonal with. */
function denseBlockCount(layers: StoredLayer[], M: number): number | null {
  const dense = layers.slice(1).filter((l) => l.weight.shape.length === 2);
  if (!dense.length) return null;
  const [rows, cols] = dense[0].weight.shape;
  for (let G = Math.floor(Math.min(rows, cols) / M) * M; G >= M; G -= M) {
    const fits = dense.every(({ weight: { shape: [r, c], data } }) => {
      if (r % G || c % G) return false;
      try {
        denseToPacked(data, G, r / G, c / G);
        return true;
      } catch {
        return false;
      }
    });
    if (fits) return G;
  }
  return fail(`${dense[0].weightKey} ${formatShape(dense[0].weight.shape)} is not block-diagonal with any multiple of numEstimators ${M} blocks`);
}

/** The blocks under the 3-D weights' layout that fits the chain; when both do (every I = 1), the one the file's release wrote. */
function chain(layers: StoredLayer[], M: number, prefers: 'packed' | 'legacy'): Block[] {
  const onlyPacked = layers.some((l) => l.weight.shape.length === 3 && l.weight.shape[2] !== 1);
  const forms = onlyPacked ? ['packed' as const] : [prefers, prefers === 'packed' ? 'legacy' as const : 'packed' as const];
  const denseGroups = denseBlockCount(layers, M);
  const errors: unknown[] = [];
  for (const form of forms) {
    try {
      return blocks(layers, form, denseGroups);
    } catch (err) {
      errors.push(err);
    }
  }
  throw errors[0];
}

/** Hidden width h with packedWidths giving `extended` both as a layer's output and as the next one's input; the least padded. */
function hiddenWidth(extended: number, alpha: number, M: number, gamma: number, firstBefore: boolean, lastAfter: boolean): number | null {
  // TorchUncertainty's padding moves a width by less than M·gamma either way
  for (let h = Math.ceil((extended + M * gamma + 1) / alpha); h >= Math.max(1, Math.floor((extended - M * gamma) / alpha) - 1); h--) {
    const out = packedWidths(0, h, { alpha, numEstimators: M, gamma, first: firstBefore, last: false }).extOut;
    const next = packedWidths(h, 1, { alpha, numEstimators: M, gamma, first: false, last: lastAfter }).extIn;
    if (out === extended && next === extended) return h;
  }
  return null;
}

/**
 * Builds the PackedMLP a TorchUncertainty `packed_mlp` checkpoint holds and loads it: input width,
 * hidden widths (padded ones included), classes, gamma and the groups are read from the weights'
 * shapes in any release's layout (see loadTorchUncertainty, which it shares); M and the activation are
 * not in the file and come from `options`. Returns the model, which saveTorchUncertainty writes back
 * in the file's layout. Throws naming the key and both shapes when a weight fits no packed MLP, when
 * `numEstimators` does not divide the block counts or outputs, on keys a strict load rejects, and on a
 * malformed file.
 */
export function torchUncertaintyMLP(bytes: Uint8Array, options: TorchUncertaintyMLPOptions): PackedMLP {
  const M = options.numEstimators;
  if (!Number.isInteger(M) || M < 1) fail(`numEstimators must be a positive integer, got ${M}`);
  const file = readSafetensors(bytes);
  const checkpoint = stateValues(file.tensors);
  const keys = Object.keys(checkpoint);
  const prefix = keyPrefix(keys, (k) => MLP_KEY.test(k));
  const layers = storedLayers(checkpoint, prefix);
  const finalLayer = keys.some((k) => k.startsWith(prefix + FINAL_LAYER));
  const found = chain(layers, M, finalLayer ? 'packed' : 'legacy');
  const last = found[found.length - 1], lastLayer = layers[layers.length - 1];
  const G = found.length > 1 ? found[1].G : M;
  found.slice(1).forEach((b, k) => b.G !== G && fail(`${layers[k + 1].weightKey} has ${b.G} groups but ${layers[1].weightKey} has ${G}`));
  if (G % M) fail(`${layers[1].weightKey} has ${G} groups, not a multiple of numEstimators ${M} (G = numEstimators * gamma)`);
  if ((last.G * last.O) % M) fail(`${lastLayer.weightKey} gives ${last.G * last.O} outputs, not a multiple of numEstimators ${M}`);
  const gamma = G / M, extended = found.slice(0, -1).map((b) => b.G * b.O);
  const alphas = options.alpha !== undefined ? [options.alpha] : [2, 1];
  for (const alpha of alphas) {
    const hidden = extended.map((e, k) => hiddenWidth(e, alpha, M, gamma, k === 0, k === extended.length - 1));
    if (hidden.some((h) => h === null)) continue;
    const model = new PackedMLP({
      inFeatures: found[0].I, hiddenFeatures: hidden as number[], numClasses: (last.G * last.O) / M, numEstimators: M,
      alpha, gamma, activation: options.activation, precision: options.precision,
    });
    loadModelState(model, fromTorchUncertainty(model, checkpoint), file.metadata, options);
    return model;
  }
  return fail(`hidden widths ${extended.join(', ')} are not TorchUncertainty's padded widths for alpha ${alphas.join(' or ')}, M ${M}, gamma ${gamma}`);
}
