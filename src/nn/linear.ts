// Linear layers: dense (PyTorch's [out, in]) and block-diagonal (packed [G, O, I]).
import type { Activation, Precision } from '../backend/backend.ts';
import { blockSizes } from '../layout.ts';
import { blockLinear, linear } from '../ops/blocklinear.ts';
import type { Rng } from '../random.ts';
import type { Tensor } from '../tensor.ts';
import { uniformParameter } from './init.ts';
import { Module } from './module.ts';

/** Options of `Linear`, as the arguments of PyTorch's `nn.Linear` (1.13), plus a fused activation. */
export interface LinearOptions {
  /** Whether the layer has a bias. Default true. */
  bias?: boolean;
  /** Activation fused into the kernel: 'none' (default), 'relu', 'gelu' or 'gelu_tanh'. */
  activation?: Activation;
  /** Draws the initial weights. Default: the library's generator, which `seed()` resets. */
  rng?: Rng;
}

/**
 * The dense linear layer y = x·Wᵀ + b, as PyTorch's `nn.Linear` (1.13): x [B, inFeatures] f32 to
 * y [B, outFeatures], weight [outFeatures, inFeatures], bias [outFeatures]; state-dict keys `weight`, `bias`.
 */
export class Linear extends Module {
  /** [outFeatures, inFeatures], f32, initialised U(−1/√inFeatures, 1/√inFeatures) as PyTorch's. */
  weight: Tensor;
  /** [outFeatures], f32, initialised as the weight; null when built with `bias: false`. */
  bias: Tensor | null;
  /** Activation fused into the forward kernel ('none' unless given). */
  readonly activation: Activation;
  /**
   * @param inFeatures Input features per row (a positive integer).
   * @param outFeatures Output features per row (a positive integer).
   * @throws Error when a feature count is not a positive integer.
   */
  constructor(readonly inFeatures: number, readonly outFeatures: number, options: LinearOptions = {}) {
    super();
    blockSizes('Linear', inFeatures, outFeatures, 1);
    this.weight = uniformParameter([outFeatures, inFeatures], inFeatures, options.rng);
    this.bias = options.bias === false ? null : uniformParameter([outFeatures], inFeatures, options.rng);
    this.activation = options.activation ?? 'none';
  }
  /**
   * y [B, outFeatures] = activation(x·Wᵀ + b) for x [B, inFeatures] f32.
   * @throws Error when x is not f32 of shape [B, inFeatures] or a tensor was disposed.
   */
  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias, { activation: this.activation });
  }
}

/** Options of `BlockLinear`: the number of blocks, and the options of `Linear`. */
export interface BlockLinearLayerOptions extends LinearOptions {
  /** G, the number of diagonal blocks; must divide both feature counts. */
  groups: number;
  /** Precision of the block GEMMs (see BlockLinearOptions.precision); the parameters stay f32. */
  precision?: Precision;
}

/**
 * Block-diagonal linear: G independent blocks, weight packed [G, O, I], bias [G*O]; x [B, G*I] f32 to
 * y [B, G*O], block g reading columns [g*I, (g+1)*I) of x. The same numbers as a grouped 1×1 convolution
 * (PyTorch's `nn.Conv1d(G*I, G*O, 1, groups=G)`).
 */
export class BlockLinear extends Module {
  /** [G, O, I], f32, block g's weight; initialised U(−1/√I, 1/√I) as PyTorch's per-group fan-in. */
  weight: Tensor;
  /** [G*O], f32, initialised as the weight; null when built with `bias: false`. */
  bias: Tensor | null;
  /** G, the number of blocks. */
  readonly groups: number;
  /** Activation fused into the forward kernel ('none' unless given). */
  readonly activation: Activation;
  /** Precision of the block GEMMs ('f32' unless given); the parameters stay f32. */
  readonly precision: Precision;
  /**
   * @param inFeatures Input features per row, G*I (for a PackedLinear: the extended width).
   * @param outFeatures Output features per row, G*O (for a PackedLinear: the extended width).
   * @param layerName The name error messages give the layer.
   * @throws Error when a count is not a positive integer or `groups` does not divide both widths.
   */
  constructor(readonly inFeatures: number, readonly outFeatures: number, options: BlockLinearLayerOptions, layerName = 'BlockLinear') {
    super();
    const { G, I, O } = blockSizes(layerName, inFeatures, outFeatures, options.groups);
    this.groups = G;
    this.weight = uniformParameter([G, O, I], I, options.rng);
    this.bias = options.bias === false ? null : uniformParameter([G * O], I, options.rng);
    this.activation = options.activation ?? 'none';
    this.precision = options.precision ?? 'f32';
  }
  /**
   * y [B, G*O] = activation(blockLinear(x, weight, bias)) for x [B, G*I] f32, in the layer's precision.
   * @throws Error when x is not f32 of shape [B, inFeatures] or a tensor was disposed.
   */
  forward(x: Tensor): Tensor {
    return blockLinear(x, this.weight, this.bias, { activation: this.activation, precision: this.precision });
  }
}
