// The extended (packed) widths of a Packed-Ensembles layer, as TorchUncertainty computes them.

export interface PackedWidthsOptions {
  alpha: number;
  numEstimators: number;
  gamma: number;
  first: boolean;
  last: boolean;
}

/** A layer's extended input and output widths and its block count G. */
export interface PackedWidths {
  extIn: number;
  extOut: number;
  groups: number;
}

/**
 * TorchUncertainty's `PackedLinear.__init__` widths, release 0.8.0 (unchanged since 0.4.0), in its words:
 *
 *     extended_in_features = int(in_features * (1 if first else alpha))
 *     extended_out_features = int(out_features * (num_estimators if last else alpha))
 *     actual_groups = num_estimators * gamma if not first else 1
 *     # fix if not divisible by groups
 *     if extended_in_features % actual_groups:
 *         extended_in_features += num_estimators - extended_in_features % (actual_groups)
 *     if extended_out_features % num_estimators * gamma:
 *         extended_out_features += num_estimators - extended_out_features % (num_estimators * gamma)
 *
 * Python's `int()` truncates, and `a % M * gamma` is `(a % M) * gamma`; both are kept as written, so
 * hidden 50, alpha 3, M 4 gives 150 -> 152 as in TorchUncertainty. Some gamma > 1 cases give widths G
 * does not divide (TorchUncertainty cannot run those layers either): the caller checks divisibility.
 */
export function packedWidths(inFeatures: number, outFeatures: number, o: PackedWidthsOptions): PackedWidths {
  const M = o.numEstimators;
  let extIn = Math.trunc(inFeatures * (o.first ? 1 : o.alpha));
  let extOut = Math.trunc(outFeatures * (o.last ? M : o.alpha));
  const groups = o.first ? 1 : M * o.gamma;
  if (extIn % groups) extIn += M - (extIn % groups);
  if ((extOut % M) * o.gamma) extOut += M - (extOut % (M * o.gamma));
  return { extIn, extOut, groups };
}
