// Normalisation layers: BatchNorm2d (running statistics as buffers) and GroupNorm.
import { tensor, ones, zeros } from '../ops/create.ts';
import { batchNorm, groupNorm } from '../ops/norm.ts';
import { formatShape } from '../shapes.ts';
import type { Tensor } from '../tensor.ts';
import { Module } from './module.ts';

/** Options of `BatchNorm2d`, as the arguments of PyTorch's `nn.BatchNorm2d` (1.13). */
export interface BatchNorm2dOptions {
  /** Added to the variance before its square root, for stability. Default 1e-5. */
  eps?: number;
  /** Running-statistics update factor; null: cumulative average (1/numBatchesTracked). Default 0.1. */
  momentum?: number | null;
  /** Learnable per-channel weight (ones) and bias (zeros). Default true. */
  affine?: boolean;
  /** Keep running_mean, running_var and num_batches_tracked (used in eval mode). Default true. */
  trackRunningStats?: boolean;
}

/**
 * torch.nn.BatchNorm2d: input [N, numFeatures, H, W]. Training mode normalises with the batch statistics and
 * updates the buffers `running_mean` (zeros), `running_var` (ones, updated with the unbiased variance) and the
 * i64 `num_batches_tracked` ([], saved as I64); eval mode normalises with the running statistics.
 * Throws on another input rank or channel count, and in training on a batch with one value per channel.
 */
export class BatchNorm2d extends Module {
  /** γ [numFeatures], f32, ones at first; null when not affine. Key `weight`. */
  weight: Tensor | null;
  /** β [numFeatures], f32, zeros at first; null when not affine. Key `bias`. */
  bias: Tensor | null;
  /** Running mean [numFeatures], f32 buffer (key `running_mean`); null without trackRunningStats. */
  runningMean: Tensor | null;
  /** Running unbiased variance [numFeatures], f32 buffer (key `running_var`); null without trackRunningStats. */
  runningVar: Tensor | null;
  /** Training batches seen, an i32 scalar buffer saved as I64 (key `num_batches_tracked`); null without trackRunningStats. */
  numBatchesTracked: Tensor | null;
  /** Added to the variance before its square root. */
  readonly eps: number;
  /** Running-statistics update factor; null: cumulative average. */
  readonly momentum: number | null;
  /** The host's copy of num_batches_tracked (the cumulative average needs it without a device read). */
  private tracked = 0;
  /**
   * @param numFeatures C, the channels of the input (a positive integer).
   * @throws Error when numFeatures is not a positive integer.
   */
  constructor(readonly numFeatures: number, options: BatchNorm2dOptions = {}) {
    super();
    if (!Number.isInteger(numFeatures) || numFeatures < 1) throw new Error(`BatchNorm2d: numFeatures must be a positive integer, got ${numFeatures}`);
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    const affine = options.affine ?? true, track = options.trackRunningStats ?? true;
    this.weight = affine ? ones([numFeatures], { requiresGrad: true }) : null;
    this.bias = affine ? zeros([numFeatures], { requiresGrad: true }) : null;
    this.runningMean = track ? zeros([numFeatures]) : null;
    this.runningVar = track ? ones([numFeatures]) : null;
    this.numBatchesTracked = track ? tensor(Int32Array.of(0), []) : null;
  }

  override ownBuffers(): [string, Tensor][] {
    if (!this.runningMean || !this.runningVar || !this.numBatchesTracked) return [];
    return [['running_mean', this.runningMean], ['running_var', this.runningVar], ['num_batches_tracked', this.numBatchesTracked]];
  }

  protected override bufferLoaded(name: string, values: Float32Array | Int32Array): void {
    if (name === 'num_batches_tracked') this.tracked = values[0];
  }

  /**
   * y = (x − mean) / √(var + eps)·γ + β per channel, for x [N, C, H, W] f32 (y the same shape): with the batch's
   * statistics in training mode (updating the running ones), with the running ones in eval mode.
   * @throws Error when x is not [N, numFeatures, H, W] f32 (without affine parameters and running statistics,
   *   any channel count, as PyTorch), or in training when a channel has a single value.
   */
  forward(x: Tensor): Tensor {
    if (x.rank !== 4) throw new Error(`BatchNorm2d(${this.numFeatures}): input must be [N, C, H, W], got ${formatShape(x.shape)}`);
    if ((this.weight || this.runningMean) && x.shape[1] !== this.numFeatures) {
      throw new Error(`BatchNorm2d(${this.numFeatures}): input ${formatShape(x.shape)} has ${x.shape[1]} channels, expected ${this.numFeatures}`);
    }
    let momentum = this.momentum ?? 0;
    if (this.training && this.numBatchesTracked) {
      this.tracked++;
      this.numBatchesTracked.backend.upload(this.numBatchesTracked.storageOf('BatchNorm2d'), Int32Array.of(this.tracked));
      if (this.momentum === null) momentum = 1 / this.tracked;
    }
    // Without running statistics, eval mode normalises with the batch's own, as PyTorch does.
    return batchNorm(x, this.runningMean, this.runningVar, {
      weight: this.weight, bias: this.bias, training: this.training || !this.runningMean, momentum, eps: this.eps,
    });
  }
}

/** Options of `GroupNorm`, as the arguments of PyTorch's `nn.GroupNorm` (1.13). */
export interface GroupNormOptions {
  /** Added to the variance before its square root, for stability. Default 1e-5. */
  eps?: number;
  /** Learnable per-channel weight (ones) and bias (zeros). Default true. */
  affine?: boolean;
}

/** torch.nn.GroupNorm(numGroups, numChannels): input [N, numChannels, …]; weight and bias [numChannels]. */
export class GroupNorm extends Module {
  /** γ [numChannels], f32, ones at first; null when not affine. */
  weight: Tensor | null;
  /** β [numChannels], f32, zeros at first; null when not affine. */
  bias: Tensor | null;
  /** Added to the variance before its square root. */
  readonly eps: number;
  /**
   * @param numGroups Groups the channels are split into (a positive integer dividing numChannels).
   * @param numChannels C, the channels of the input.
   * @throws Error when numGroups is not a positive integer dividing numChannels.
   */
  constructor(readonly numGroups: number, readonly numChannels: number, options: GroupNormOptions = {}) {
    super();
    if (!Number.isInteger(numGroups) || !Number.isInteger(numChannels) || numGroups < 1 || numChannels % numGroups) {
      throw new Error(`GroupNorm: numGroups ${numGroups} must be a positive integer dividing numChannels ${numChannels}`);
    }
    this.eps = options.eps ?? 1e-5;
    const affine = options.affine ?? true;
    this.weight = affine ? ones([numChannels], { requiresGrad: true }) : null;
    this.bias = affine ? zeros([numChannels], { requiresGrad: true }) : null;
  }
  /**
   * y = (x − mean) / √(var + eps)·γ + β, mean and (biased) variance over each group's channels and positions,
   * for x [N, numChannels, …] f32 (y the same shape).
   * @throws Error when x is not f32 of shape [N, numChannels, …] or was disposed.
   */
  forward(x: Tensor): Tensor {
    if (x.rank < 2 || x.shape[1] !== this.numChannels) {
      throw new Error(`GroupNorm(${this.numGroups}, ${this.numChannels}): input must be [N, ${this.numChannels}, …], got ${formatShape(x.shape)}`);
    }
    return groupNorm(x, this.numGroups, this.weight, this.bias, this.eps);
  }
}
