// TorchUncertainty releases and how each stores a packed MLP (layers/packed.py and models/mlp.py).
import type { StoredWeight } from '../../layout.ts';
import { FINAL_LAYER, isConv1x1 } from './keys.ts';

/**
 * The releases whose checkpoint layouts differ, by the first release of each:
 * - '0.2': PackedLinear wraps an nn.Conv1d: `layers.K.conv1x1.{weight,bias}`, weight [G*O, I, 1]; every layer is `layers.K`.
 * - '0.3': the conv weight held by PackedLinear itself ("legacy" implementation): `layers.K.{weight,bias}`, [G*O, I, 1].
 * - '0.4': the same weight; the MLP's last layer is `final_layer.*`.
 * - '0.5': weight [G, O, I] in every implementation; last layer `final_layer.*` (unchanged through 0.8).
 */
export type TorchUncertaintyRelease = '0.2' | '0.3' | '0.4' | '0.5';


/** A checkpoint's layout: its release's key names and how its weights are stored. */
export interface TorchUncertaintyLayout {
  /** The first TorchUncertainty release of the key names: '0.2', '0.3', '0.4' or '0.5' (0.5 through 0.8). */
  release: TorchUncertaintyRelease;
  /** How the weights are stored: 'packed' [G, O, I], 'legacy' [G*O, I, 1] or 'dense' [G*O, G*I]. */
  weight: StoredWeight;
}

/** Each release's key names and its default implementation's weight. */
export const RELEASES: Record<TorchUncertaintyRelease, { conv1x1: boolean; finalLayer: boolean; weight: StoredWeight }> = {
  '0.2': { conv1x1: true, finalLayer: false, weight: 'legacy' },
  '0.3': { conv1x1: false, finalLayer: false, weight: 'legacy' },
  '0.4': { conv1x1: false, finalLayer: true, weight: 'legacy' },
  '0.5': { conv1x1: false, finalLayer: true, weight: 'packed' },
};

/** The layout this library writes when not told otherwise: TorchUncertainty's current one. */
export const CURRENT_LAYOUT: TorchUncertaintyLayout = { release: '0.5', weight: 'packed' };

/**
 * A release as TorchUncertainty numbers it ('0.3', '0.4.3', 'v0.2.2.post2', '0.8.0', '1.0') mapped to
 * the layout it writes: 0.2.x -> '0.2', 0.3.x -> '0.3', 0.4.x -> '0.4', 0.5 and later -> '0.5'.
 * Throws on a string that is no version, and on 0.1.x (before PackedLinear was saved this way).
 */
export function parseRelease(release: string): TorchUncertaintyRelease {
  const m = /^v?(\d+)\.(\d+)(?:[.\w+-]*)$/.exec(release.trim());
  if (!m) throw new Error(`TorchUncertainty release '${release}' is not a version such as '0.4' or '0.8.0'`);
  const major = Number(m[1]), minor = Number(m[2]);
  if (major > 0 || minor >= 5) return '0.5';
  if (minor >= 2) return `0.${minor}` as TorchUncertaintyRelease;
  throw new Error(`TorchUncertainty release '${release}': releases before 0.2 are not supported (read and written: 0.2, 0.3, 0.4, 0.5 and later)`);
}

/**
 * The release whose key names a checkpoint uses, from its (prefix-stripped) keys and stored weights:
 * `conv1x1` keys are 0.2; a `final_layer` is 0.4 with [G*O, I, 1] weights and 0.5 otherwise; plain
 * `layers.K` keys are 0.3 (whatever the weight; 0.3's `einsum` and `full` implementations store [G, O, I]).
 * Keys with no `layers.K` at all (the conv models, which TorchUncertainty has from 0.4.3) are 0.4 with
 * [G*O, I, 1] weights and 0.5 otherwise.
 */
export function releaseOf(keys: readonly string[], weight: StoredWeight): TorchUncertaintyRelease {
  if (keys.some(isConv1x1)) return '0.2';
  const mlpLayers = keys.some((k) => /^layers\.\d+\./.test(k));
  if (keys.some((k) => k.startsWith(FINAL_LAYER)) || !mlpLayers) return weight === 'legacy' ? '0.4' : '0.5';
  return '0.3';
}
