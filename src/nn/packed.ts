// Packed-Ensembles layers with TorchUncertainty's semantics: M estimators packed as blocks of one layer.
import { formatShape, type Tensor } from '../tensor.ts';
import { rearrangeEstimators } from '../ops/shape.ts';
import type { Activation, Precision } from '../backend/backend.ts';
import type { Rng } from '../random.ts';
import { BlockLinear } from './linear.ts';
import { Module } from './module.ts';
import { packedMLPMetadata, type PackedMLPConfig } from './packed-config.ts';

export interface PackedLinearOptions {
  alpha: number;
  numEstimators: number;
  gamma?: number;
  /** First layer: input not widened, one group (the input is shared by every estimator). */
  first?: boolean;
  /** Last layer: output is numEstimators × outFeatures (each estimator's logits). */
  last?: boolean;
  bias?: boolean;
  activation?: Activation;
  /** Precision of the block GEMMs ('f16': AMP with f32 master weights). Default 'f32'. */
  precision?: Precision;
  rng?: Rng;
}

/** TorchUncertainty's PackedLinear: weight [G, extOut/G, extIn/G], G = first ? 1 : M·gamma. */
export class PackedLinear extends BlockLinear {
  readonly numEstimators: number;
  constructor(inFeatures: number, outFeatures: number, options: PackedLinearOptions) {
    const { alpha, numEstimators, gamma = 1, first = false, last = false } = options;
    for (const [what, v] of [['alpha', alpha], ['numEstimators', numEstimators], ['gamma', gamma]] as const) {
      if (!(v > 0) || (what !== 'alpha' && !Number.isInteger(v))) throw new Error(`PackedLinear(${inFeatures}, ${outFeatures}): ${what} must be a positive ${what === 'alpha' ? 'number' : 'integer'}, got ${v}`);
    }
    const extIn = inFeatures * (first ? 1 : alpha);
    const extOut = outFeatures * (last ? numEstimators : alpha);
    const groups = first ? 1 : numEstimators * gamma;
    const name = `PackedLinear(${inFeatures}, ${outFeatures}, alpha=${alpha}, M=${numEstimators}, gamma=${gamma}${first ? ', first' : ''}${last ? ', last' : ''})`;
    if (!Number.isInteger(extIn) || !Number.isInteger(extOut)) {
      throw new Error(`${name}: extended widths ${extIn} and ${extOut} must be integers`);
    }
    super(extIn, extOut, { groups, bias: options.bias, activation: options.activation, precision: options.precision, rng: options.rng }, name);
    this.numEstimators = numEstimators;
  }
}

export interface PackedMLPOptions {
  inFeatures: number;
  hiddenFeatures: number[];
  numClasses: number;
  numEstimators: number;
  alpha?: number;
  gamma?: number;
  /** Precision of every layer's block GEMMs. Default 'f32'. */
  precision?: Precision;
  /** Activation fused into every layer but the last. Default 'relu'. */
  activation?: 'relu' | 'gelu';
  rng?: Rng;
}

/** first -> hidden… -> last PackedLinear layers with ReLU (or GELU) fused between them. Output (B, M*C). */
export class PackedMLP extends Module {
  layers: PackedLinear[];
  readonly numEstimators: number;
  readonly numClasses: number;
  /** The architecture, as `packedMLPMetadata` stores it in a saved file. */
  readonly config: PackedMLPConfig;
  constructor(options: PackedMLPOptions) {
    super();
    const { inFeatures, hiddenFeatures, numClasses, numEstimators, alpha = 2, gamma = 1, precision, activation = 'relu', rng } = options;
    if (activation !== 'relu' && activation !== 'gelu') throw new Error(`PackedMLP: activation must be 'relu' or 'gelu', got '${activation}'`);
    this.config = { inFeatures, hiddenFeatures: [...hiddenFeatures], numClasses, numEstimators, alpha, gamma, activation };
    const widths = [inFeatures, ...hiddenFeatures, numClasses];
    this.layers = widths.slice(1).map((out, k) => {
      const first = k === 0, last = k === widths.length - 2;
      return new PackedLinear(widths[k], out, { alpha, numEstimators, gamma, first, last, precision, rng, activation: last ? 'none' : activation });
    });
    this.numEstimators = numEstimators;
    this.numClasses = numClasses;
  }

  /** Its architecture under `PACKED_MLP_METADATA_KEY`, so a saved file alone rebuilds the model. */
  override fileMetadata(): Record<string, string> {
    return packedMLPMetadata(this.config);
  }

  /** Packed logits (B, M*C): estimator m's logits are columns [m*C, (m+1)*C). */
  forward(x: Tensor): Tensor {
    if (x.rank !== 2 || x.shape[1] !== this.layers[0].inFeatures) {
      throw new Error(`PackedMLP: input must be [batch, ${this.layers[0].inFeatures}], got ${formatShape(x.shape)}`);
    }
    let h = x;
    for (const layer of this.layers) {
      const next = layer.forward(h);
      if (h !== x) h.dispose();
      h = next;
    }
    return h;
  }

  /** Logits rearranged estimator-major to (M*B, C), ready for crossEntropy with repeat(labels, M). */
  estimatorLogits(x: Tensor): Tensor {
    const packed = this.forward(x);
    const out = rearrangeEstimators(packed, this.numEstimators);
    packed.dispose();
    return out;
  }
}
