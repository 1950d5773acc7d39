// Linear layers: dense (PyTorch's [out, in]) and block-diagonal (packed [G, O, I]).
import type { Activation, Precision } from '../backend/backend.ts';
import { blockSizes } from '../layout.ts';
import { blockLinear, linear } from '../ops/blocklinear.ts';
import type { Rng } from '../random.ts';
import type { Tensor } from '../tensor.ts';
import { uniformParameter } from './init.ts';
import { Module } from './module.ts';

export interface LinearOptions {
  bias?: boolean;
  /** Activation fused into the kernel (default none). */
  activation?: Activation;
  rng?: Rng;
}

/** y = x·Wᵀ + b, weight [out, in]. */
export class Linear extends Module {
  weight: Tensor;
  bias: Tensor | null;
  readonly activation: Activation;
  constructor(readonly inFeatures: number, readonly outFeatures: number, options: LinearOptions = {}) {
    super();
    blockSizes('Linear', inFeatures, outFeatures, 1);
    this.weight = uniformParameter([outFeatures, inFeatures], inFeatures, options.rng);
    this.bias = options.bias === false ? null : uniformParameter([outFeatures], inFeatures, options.rng);
    this.activation = options.activation ?? 'none';
  }
  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias, { activation: this.activation });
  }
}

export interface BlockLinearLayerOptions extends LinearOptions {
  groups: number;
  /** Precision of the block GEMMs (see BlockLinearOptions.precision); the parameters stay f32. */
  precision?: Precision;
}

/** Block-diagonal linear: G independent blocks, weight packed [G, O, I], bias [G*O]. */
export class BlockLinear extends Module {
  weight: Tensor;
  bias: Tensor | null;
  readonly groups: number;
  readonly activation: Activation;
  readonly precision: Precision;
  constructor(readonly inFeatures: number, readonly outFeatures: number, options: BlockLinearLayerOptions, layerName = 'BlockLinear') {
    super();
    const { G, I, O } = blockSizes(layerName, inFeatures, outFeatures, options.groups);
    this.groups = G;
    this.weight = uniformParameter([G, O, I], I, options.rng);
    this.bias = options.bias === false ? null : uniformParameter([G * O], I, options.rng);
    this.activation = options.activation ?? 'none';
    this.precision = options.precision ?? 'f32';
  }
  forward(x: Tensor): Tensor {
    return blockLinear(x, this.weight, this.bias, { activation: this.activation, precision: this.precision });
  }
}
