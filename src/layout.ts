// The packed-blocks layout, the one source of truth: weight [G, O, I], bias [G*O], activations [B, G*I].
// Shapes, validation, and conversions (dense <-> packed, legacy TorchUncertainty shapes) live here only.
import type { BlockShape } from './backend/backend.ts';
import { formatShape, type Shape } from './shapes.ts';

/**
 * Validates x [B, G*I], weight [G, O, I] and bias [G*O] and returns the block shape.
 * @throws Error naming `op` and the shapes when the weight is not 3-D, x is not [B, G*I], or the bias is not [G*O].
 */
export function blockShapeOf(op: string, x: Shape, weight: Shape, bias: Shape | null): BlockShape {
  if (weight.length !== 3) throw new Error(`${op}: weight must be packed [G, O, I], got ${formatShape(weight)}`);
  const [G, O, I] = weight;
  if (x.length !== 2) throw new Error(`${op}: input must be [batch, features], got ${formatShape(x)}`);
  if (x[1] !== G * I) {
    throw new Error(`${op}: input ${formatShape(x)} has ${x[1]} features but weight ${formatShape(weight)} expects G*I = ${G}*${I} = ${G * I}`);
  }
  if (bias && (bias.length !== 1 || bias[0] !== G * O)) {
    throw new Error(`${op}: bias ${formatShape(bias)} must be [G*O] = [${G * O}] for weight ${formatShape(weight)}`);
  }
  return { B: x[0], G, I, O };
}

/**
 * Block count and per-block sizes for a layer of `inFeatures` inputs and `outFeatures` outputs in `groups`
 * blocks: its weight is `[G, O, I]`.
 * @param layer The layer's name, for the error message.
 * @returns `G` = groups, `I` = inFeatures / groups, `O` = outFeatures / groups.
 * @throws Error when a count is not a positive integer, or when `groups` does not divide both widths.
 */
export function blockSizes(layer: string, inFeatures: number, outFeatures: number, groups: number): {
  /** Blocks. */
  G: number;
  /** Input features per block. */
  I: number;
  /** Output features per block. */
  O: number;
} {
  for (const [what, n] of [['inFeatures', inFeatures], ['outFeatures', outFeatures], ['groups', groups]] as const) {
    if (!Number.isInteger(n) || n < 1) throw new Error(`${layer}: ${what} must be a positive integer, got ${n}`);
  }
  if (inFeatures % groups || outFeatures % groups) {
    throw new Error(`${layer}: inFeatures ${inFeatures} and outFeatures ${outFeatures} must both be divisible by groups ${groups}`);
  }
  return { G: groups, I: inFeatures / groups, O: outFeatures / groups };
}

/** The dense block-diagonal [G*O, G*I] matrix of a packed weight (for tests and export). */
export function packedToDense(packed: Float32Array, G: number, O: number, I: number): Float32Array {
  const dense = new Float32Array(G * O * G * I);
  for (let g = 0; g < G; g++) {
    for (let o = 0; o < O; o++) {
      dense.set(packed.subarray((g * O + o) * I, (g * O + o + 1) * I), (g * O + o) * G * I + g * I);
    }
  }
  return dense;
}

/** The packed [G, O, I] weight of a dense block-diagonal [G*O, G*I] matrix; refuses one with off-block values. */
export function denseToPacked(dense: Float32Array, G: number, O: number, I: number): Float32Array {
  if (dense.length !== G * O * G * I) throw new Error(`denseToPacked: ${dense.length} values are not a [${G * O}, ${G * I}] matrix`);
  const packed = new Float32Array(G * O * I);
  for (let r = 0; r < G * O; r++) {
    const g = Math.floor(r / O);
    for (let c = 0; c < G * I; c++) {
      const v = dense[r * G * I + c];
      if (Math.floor(c / I) === g) packed[r * I + (c - g * I)] = v;
      else if (v !== 0) throw new Error(`denseToPacked: the matrix is not block-diagonal with ${G} blocks (row ${r}, column ${c} is ${v})`);
    }
  }
  return packed;
}

/** How a packed weight is stored: [G, O, I]; [G*O, I, 1] (TorchUncertainty's conv1x1 "legacy"); or the dense block-diagonal [G*O, G*I]. */
export type StoredWeight = 'packed' | 'legacy' | 'dense';

/**
 * Which TorchUncertainty layout a stored weight of shape `stored` is for a packed [G, O, I] weight:
 * 'packed' ([G, O, I] itself), 'legacy' (conv1x1 [G*O, I, 1], the same bytes), 'dense' (the
 * block-diagonal [G*O, G*I] matrix of its sparse/full implementations), or null. Unlike
 * packedShapeFrom it knows O, so [G, I, 1] is unambiguous when O = 1.
 */
export function storedLayout(stored: Shape, packed: Shape): StoredWeight | null {
  const [G, O, I] = packed;
  const is = (...dims: number[]) => stored.length === dims.length && dims.every((d, k) => stored[k] === d);
  if (is(G, O, I)) return 'packed';
  if (is(G * O, I, 1)) return 'legacy';
  if (is(G * O, G * I)) return 'dense';
  return null;
}
