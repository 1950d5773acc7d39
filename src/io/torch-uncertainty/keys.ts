// Checkpoint keys against a model's keys: a wrapper's prefix found and stripped (Lightning's `model.`,
// DistributedDataParallel's `module.`), and TorchUncertainty's per-release names of a packed layer.

/** The dotted prefixes of a key, shortest first: `model.layers.0.weight` -> '', 'model.', 'model.layers.', 'model.layers.0.'. */
function dottedPrefixes(key: string): string[] {
  const out = [''];
  for (let at = key.indexOf('.'); at >= 0; at = key.indexOf('.', at + 1)) out.push(key.slice(0, at + 1));
  return out;
}

/**
 * The prefix to strip from a checkpoint's keys (e.g. a Lightning routine's `model.`, or `model.model.`
 * when the routine wraps a wrapper) so that the most keys are ones `known` accepts once stripped;
 * '' when no prefix does better than none. Ties go to the shorter prefix.
 */
export function keyPrefix(keys: readonly string[], known: (key: string) => boolean): string {
  const candidates = new Set(keys.flatMap(dottedPrefixes));
  let best = '', bestScore = keys.filter(known).length;
  for (const prefix of [...candidates].sort((a, b) => a.length - b.length)) {
    const score = keys.filter((k) => k.startsWith(prefix) && known(k.slice(prefix.length))).length;
    if (score > bestScore) [best, bestScore] = [prefix, score];
  }
  return best;
}

/** Whether a key is a parameter of TorchUncertainty 0.2's conv1x1 (`….conv1x1.weight` or `….conv1x1.bias`). */
export function isConv1x1(key: string): boolean {
  return /(^|\.)conv1x1\.(weight|bias)$/.test(key);
}

/** `layers.0.conv1x1.weight` -> `layers.0.weight`: TorchUncertainty 0.2's PackedLinear kept its parameters in an nn.Conv1d named conv1x1. */
export function withoutConv1x1(key: string): string {
  return key.replace(/(^|\.)conv1x1\.(weight|bias)$/, '$1$2');
}

/** `layers.0.weight` -> `layers.0.conv1x1.weight` (the inverse of withoutConv1x1, for writing release 0.2). */
export function withConv1x1(key: string): string {
  return key.replace(/(^|\.)(weight|bias)$/, '$1conv1x1.$2');
}

/** TorchUncertainty 0.4 and later name the last layer of an MLP `final_layer`, earlier releases `layers.K`. */
export const FINAL_LAYER = 'final_layer.';

/** The prefix of a model's last `layers.K.` (highest K), which TorchUncertainty 0.4+ calls `final_layer.`; null if it has none. */
export function lastLayerPrefix(modelKeys: readonly string[]): string | null {
  let last = -1;
  for (const key of modelKeys) {
    const m = /^layers\.(\d+)\./.exec(key);
    if (m) last = Math.max(last, Number(m[1]));
  }
  return last < 0 ? null : `layers.${last}.`;
}

/** The model's `layers.K.` that TorchUncertainty 0.4+ calls `final_layer.`: its last one; null when the model names a `final_layer` itself or has no layers. */
export function finalLayerPrefix(modelKeys: readonly string[]): string | null {
  return modelKeys.some((k) => k.startsWith(FINAL_LAYER)) ? null : lastLayerPrefix(modelKeys);
}
