// Packed-Ensembles layers with TorchUncertainty's semantics: M estimators packed as blocks of one layer.
import { type Tensor } from '../tensor.ts';
import { formatShape } from '../shapes.ts';
import { rearrangeEstimators } from '../ops/shape.ts';
import type { Activation, Precision } from '../backend/backend.ts';
import type { Rng } from '../random.ts';
import { BlockLinear } from './linear.ts';
import { Module } from './module.ts';
import { MLP_ACTIVATIONS, packedMLPMetadata, type MLPActivation, type PackedMLPConfig } from './packed-config.ts';
import { packedWidths } from './packed-widths.ts';

/** Options of `PackedLinear`, as TorchUncertainty's `PackedLinear` arguments (camelCased). */
export interface PackedLinearOptions {
  /** Width factor (a positive number): the extended widths are the features times alpha, truncated. */
  alpha: number;
  /** M, ensemble members packed in the layer (a positive integer). */
  numEstimators: number;
  /** Groups per estimator (a positive integer): the layer has M·gamma blocks (1 when `first`). Default 1. */
  gamma?: number;
  /** First layer: input not widened, one group (the input is shared by every estimator). */
  first?: boolean;
  /** Last layer: output is numEstimators × outFeatures (each estimator's logits). */
  last?: boolean;
  /** Whether the layer has a bias [extOut]. Default true. */
  bias?: boolean;
  /** Activation fused into the forward kernel: 'none' (default), 'relu', 'gelu' or 'gelu_tanh'. */
  activation?: Activation;
  /** Precision of the block GEMMs ('f16': AMP with f32 master weights). Default 'f32'. */
  precision?: Precision;
  /** Draws the initial weights (PyTorch's uniform init). Default: the library's generator, which `seed()` resets. */
  rng?: Rng;
}

/**
 * TorchUncertainty's `PackedLinear` (releases 0.2 to 0.8): weight [G, extOut/G, extIn/G] with
 * G = first ? 1 : M·gamma, bias [extOut]. The extended widths are `inFeatures·alpha` (or `inFeatures`
 * when first) and `outFeatures·alpha` (or `outFeatures·M` when last), truncated and padded as
 * TorchUncertainty does (see packedWidths). Input [B, extIn], output [B, extOut] (TorchUncertainty's
 * last layer further rearranges its output to (M*B, C); this layer does not: see PackedMLP).
 * Throws when alpha is not positive, M or gamma not a positive integer, or G does not divide a width.
 */
export class PackedLinear extends BlockLinear {
  /** M, ensemble members packed in the layer. */
  readonly numEstimators: number;
  /** The width factor it was built with. */
  readonly alpha: number;
  /** Groups per estimator. */
  readonly gamma: number;
  /** Whether its input is the plain, shared input (not widened, one group). */
  readonly first: boolean;
  /** Whether its output is M·outFeatures columns: each estimator's outputs. */
  readonly last: boolean;
  /**
   * @param inFeatures Input features before widening (extended to ⌊inFeatures·alpha⌋, or kept when `first`).
   * @param outFeatures Output features before widening (⌊outFeatures·alpha⌋, or outFeatures·M when `last`).
   * @throws Error when alpha is not positive, M or gamma not a positive integer, an extended width is below 1,
   *   or G does not divide a width (the message names the layer).
   */
  constructor(inFeatures: number, outFeatures: number, options: PackedLinearOptions) {
    const { alpha, numEstimators, gamma = 1, first = false, last = false } = options;
    for (const [what, v] of [['alpha', alpha], ['numEstimators', numEstimators], ['gamma', gamma]] as const) {
      if (!(v > 0) || (what !== 'alpha' && !Number.isInteger(v))) throw new Error(`PackedLinear(${inFeatures}, ${outFeatures}): ${what} must be a positive ${what === 'alpha' ? 'number' : 'integer'}, got ${v}`);
    }
    const { extIn, extOut, groups } = packedWidths(inFeatures, outFeatures, { alpha, numEstimators, gamma, first, last });
    const name = `PackedLinear(${inFeatures}, ${outFeatures}, alpha=${alpha}, M=${numEstimators}, gamma=${gamma}${first ? ', first' : ''}${last ? ', last' : ''})`;
    if (extIn < 1 || extOut < 1) throw new Error(`${name}: extended widths ${extIn} and ${extOut} must be positive`);
    super(extIn, extOut, { groups, bias: options.bias, activation: options.activation, precision: options.precision, rng: options.rng }, name);
    this.numEstimators = numEstimators;
    this.alpha = alpha;
    this.gamma = gamma;
    this.first = first;
    this.last = last;
  }
}

/**
 * The options of a PackedMLP, TorchUncertainty's `packed_mlp` arguments camelCased (`in_features`,
 * `hidden_dims`, `num_outputs`, `num_estimators`, `alpha`, `gamma`).
 */
export interface PackedMLPOptions {
  /** Input features per row (not widened: the first layer is shared by every estimator). */
  inFeatures: number;
  /** Hidden widths before alpha: layer k has `hiddenFeatures[k] · alpha` units, padded as TorchUncertainty pads them. */
  hiddenFeatures: number[];
  /** Classes each estimator predicts; the output has `numEstimators · numClasses` columns. */
  numClasses: number;
  /** Estimators M packed in every layer (a positive integer). */
  numEstimators: number;
  /** Width factor alpha (a positive number): each estimator's hidden width is `hiddenFeatures[k] · alpha / M`. Default 2. */
  alpha?: number;
  /**
   * Groups per estimator gamma (a positive integer): hidden layers have `M · gamma` blocks, so their
   * widths and `numClasses` must divide into them. Default 1.
   */
  gamma?: number;
  /** Precision of every layer's block GEMMs ('f16': AMP with f32 master weights, see Precision). Default 'f32'. */
  precision?: Precision;
  /**
   * Activation fused into every layer but the last, by PyTorch's names: 'relu' (default), 'gelu'
   * (nn.GELU(), exact) or 'gelu_tanh' (nn.GELU(approximate='tanh')).
   */
  activation?: MLPActivation;
  /** Generator of the initial weights (PyTorch's uniform init); default the global one that `seed()` sets. */
  rng?: Rng;
}

/**
 * TorchUncertainty's `packed_mlp` (models/mlp.py, releases 0.2 to 0.8): a first PackedLinear (one
 * group), hidden ones (M·gamma groups) and a last one, with the activation fused into every layer but
 * the last (its `activation=F.relu` default; dropout is not part of it). Widths are padded as
 * TorchUncertainty pads them (see packedWidths). Keys are `layers.K.{weight,bias}` for every layer;
 * TorchUncertainty 0.4 and later name the last one `final_layer`, which `bg.io.loadTorchUncertainty`
 * and `bg.io.saveTorchUncertainty` map. Throws when a layer cannot be built (see PackedLinear) or
 * when one layer's output width is not the next one's input width.
 */
export class PackedMLP extends Module {
  /** The PackedLinear layers, first to last (`layers.K` in the state dict). */
  layers: PackedLinear[];
  /** M, ensemble members. */
  readonly numEstimators: number;
  /** C, classes each estimator predicts. */
  readonly numClasses: number;
  /** The architecture, as `packedMLPMetadata` stores it in a saved file. */
  readonly config: PackedMLPConfig;
  /**
   * Builds the layers with freshly initialised parameters on the current backend.
   * @throws Error when an option is out of range (alpha, numEstimators, gamma, activation) or a width
   * does not divide into its layer's groups (the message names the layer and both widths).
   */
  constructor(options: PackedMLPOptions) {
    super();
    const { inFeatures, hiddenFeatures, numClasses, numEstimators, alpha = 2, gamma = 1, precision, activation = 'relu', rng } = options;
    if (!MLP_ACTIVATIONS.includes(activation)) throw new Error(`PackedMLP: activation must be 'relu', 'gelu' or 'gelu_tanh', got '${activation}'`);
    this.config = { inFeatures, hiddenFeatures: [...hiddenFeatures], numClasses, numEstimators, alpha, gamma, activation };
    const widths = [inFeatures, ...hiddenFeatures, numClasses];
    this.layers = widths.slice(1).map((out, k) => {
      const first = k === 0, last = k === widths.length - 2;
      return new PackedLinear(widths[k], out, { alpha, numEstimators, gamma, first, last, precision, rng, activation: last ? 'none' : activation });
    });
    for (let k = 1; k < this.layers.length; k++) {
      const before = this.layers[k - 1], layer = this.layers[k];
      if (before.outFeatures !== layer.inFeatures) {
        throw new Error(`PackedMLP: layer ${k - 1} gives ${before.outFeatures} features but layer ${k} takes ${layer.inFeatures} (hidden ${widths[k]}, alpha ${alpha}, gamma ${gamma}: TorchUncertainty pads the two differently)`);
      }
    }
    this.numEstimators = numEstimators;
    this.numClasses = numClasses;
  }

  /** Its architecture under `PACKED_MLP_METADATA_KEY`, so a saved file alone rebuilds the model. */
  override fileMetadata(): Record<string, string> {
    return packedMLPMetadata(this.config);
  }

  /**
   * Packed logits (B, M*C) from x (B, inFeatures): estimator m's logits are columns [m*C, (m+1)*C).
   * TorchUncertainty's `model(x)` gives the same numbers estimator-major as (M*B, C): that is
   * `estimatorLogits`. x is f32.
   * @throws Error when x is not f32 of shape [B, inFeatures] (naming both shapes), or a tensor was disposed.
   */
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

  /**
   * The TorchUncertainty-shaped output: logits (M*B, C), estimator-major (row m*B + b is estimator m on
   * input b), as TorchUncertainty's `packed_mlp(x)` returns them; ready for crossEntropy with
   * repeat(labels, M), which is the loss of its classification routine for Packed-Ensembles.
   * @throws Error as `forward`.
   */
  estimatorLogits(x: Tensor): Tensor {
    const packed = this.forward(x);
    const out = rearrangeEstimators(packed, this.numEstimators);
    packed.dispose();
    return out;
  }
}
