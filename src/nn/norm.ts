// Normalisation layers: BatchNorm2d (running statistics as buffers) and GroupNorm.
import { tensor, ones, zeros } from '../ops/create.ts';
import { batchNorm, groupNorm } from '../ops/norm.ts';
import { formatShape } from '../shapes.ts';
import type { Tensor } from '../tensor.ts';
import { Module } from './module.ts';

export interface BatchNorm2dOptions {
  /** Default 1e-5. */
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
  weight: Tensor | null;
  bias: Tensor | null;
  runningMean: Tensor | null;
  runningVar: Tensor | null;
  numBatchesTracked: Tensor | null;
  readonly eps: number;
  readonly momentum: number | null;
  /** The host's copy of num_batches_tracked (the cumulative average needs it without a device read). */
  private tracked = 0;
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

  forward(x: Tensor): Tensor {
    if (x.rank !== 4) throw new Error(`BatchNorm2d(${this.numFeatures}): input must be [N, C, H, W], got ${formatShape(x.shape)}`);
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

export interface GroupNormOptions {
  eps?: number;
  /** Learnable per-channel weight (ones) and bias (zeros). Default true. */
  affine?: boolean;
}

/** torch.nn.GroupNorm(numGroups, numChannels): input [N, numChannels, …]; weight and bias [numChannels]. */
export class GroupNorm extends Module {
  weight: Tensor | null;
  bias: Tensor | null;
  readonly eps: number;
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
  forward(x: Tensor): Tensor {
    if (x.rank < 2 || x.shape[1] !== this.numChannels) {
      throw new Error(`GroupNorm(${this.numGroups}, ${this.numChannels}): input must be [N, ${this.numChannels}, …], got ${formatShape(x.shape)}`);
    }
    return groupNorm(x, this.numGroups, this.weight, this.bias, this.eps);
  }
}
