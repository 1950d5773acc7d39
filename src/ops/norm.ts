// Normalisation over channels (batch norm) and channel groups (group norm), composed from the reduce and
// broadcasting ops, so every backend runs them and autograd gives their exact gradients.
import type { Tensor } from '../tensor.ts';
import { formatShape } from '../shapes.ts';
import { engine } from '../engine.ts';
import { expectDType, stridesOf } from './core.ts';
import { add, mul, pow, sub } from './elementwise.ts';
import { mean } from './reduce.ts';
import { reshape } from './shape.ts';

/** Options of `batchNorm`, as the arguments of PyTorch's `F.batch_norm` (1.13). */
export interface BatchNormOptions {
  /** Per-channel scale [C] (γ), or none. */
  weight?: Tensor | null;
  /** Per-channel shift [C] (β), or none. */
  bias?: Tensor | null;
  /** Normalise with the batch statistics and update the running ones (default false: use the running ones). */
  training?: boolean;
  /** Running-statistics update: running = (1 − momentum)·running + momentum·batch. Default 0.1. */
  momentum?: number;
  /** Added to the variance. Default 1e-5. */
  eps?: number;
}

/** [1, C, 1, …] for broadcasting a per-channel vector against x. */
function channelShape(x: Tensor): number[] {
  return x.shape.map((d, i) => (i === 1 ? d : 1));
}

function expectChannelVector(op: string, t: Tensor | null | undefined, C: number, what: string): void {
  if (!t) return;
  expectDType(op, t, 'f32', what);
  if (t.rank !== 1 || t.shape[0] !== C) throw new Error(`${op}: ${what} ${formatShape(t.shape)} must be [${C}]`);
}

/** Writes value's elements into target's storage (in place, on the device). */
function overwrite(target: Tensor, value: Tensor): void {
  const strides = stridesOf([value.size]);
  target.backend.copyStrided(value.storageOf('batchNorm'), target.storageOf('batchNorm'), [value.size], strides, 0, strides, 0);
}

/** (var + eps)^−½ (inside a tidy). */
function inverseStd(v: Tensor, eps: number): Tensor {
  return pow(add(v, eps), -0.5);
}

/** (x − mean)·(var + eps)^−½ (inside a tidy). */
function standardise(centred: Tensor, v: Tensor, eps: number): Tensor {
  return mul(centred, inverseStd(v, eps));
}

/**
 * (x − mean)·(var + eps)^−½·γ + β per channel, with the per-channel factors multiplied first: one full-size
 * product instead of two, forward and backward (inside a tidy). batchNorm's statistics are per channel; groupNorm's are not.
 */
function normaliseChannels(centred: Tensor, v: Tensor, eps: number, weight: Tensor | null, bias: Tensor | null, shape: number[]): Tensor {
  const scale = weight ? mul(inverseStd(v, eps), reshape(weight, shape)) : inverseStd(v, eps);
  return affine(centred, scale, bias, shape);
}

/** y·γ + β per channel (inside a tidy). */
function affine(y: Tensor, weight: Tensor | null, bias: Tensor | null, shape: number[]): Tensor {
  let out = y;
  if (weight) out = mul(out, reshape(weight, shape));
  if (bias) out = add(out, reshape(bias, shape));
  return out;
}

/**
 * Batch normalisation as torch.nn.functional.batch_norm (PyTorch 1.13+): x [N, C, …] f32, statistics per
 * channel over N and the spatial axes. Training: normalise with the batch mean and biased variance, and (when
 * given) update runningMean/runningVar [C] in place with the unbiased variance; eval: normalise with the running
 * statistics. Throws on shapes that do not match C, on eval without running statistics, and in training on a
 * batch with one value per channel.
 */
export function batchNorm(x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, options: BatchNormOptions = {}): Tensor {
  const op = 'batchNorm';
  const { weight = null, bias = null, training = false, momentum = 0.1, eps = 1e-5 } = options;
  expectDType(op, x, 'f32');
  if (x.rank < 2) throw new Error(`${op}: input must be [N, C, …], got ${formatShape(x.shape)}`);
  const C = x.shape[1];
  expectChannelVector(op, runningMean, C, 'runningMean');
  expectChannelVector(op, runningVar, C, 'runningVar');
  expectChannelVector(op, weight, C, 'weight');
  expectChannelVector(op, bias, C, 'bias');
  if (!(momentum >= 0 && momentum <= 1)) throw new Error(`${op}: momentum must be in [0, 1], got ${momentum}`);
  if (!(eps > 0)) throw new Error(`${op}: eps must be positive, got ${eps}`);
  const shape = channelShape(x);
  if (!training) {
    if (!runningMean || !runningVar) throw new Error(`${op}: eval mode needs runningMean and runningVar (or pass training: true)`);
    return engine.tidy(() => normaliseChannels(sub(x, reshape(runningMean, shape)), reshape(runningVar, shape), eps, weight, bias, shape));
  }
  const count = x.size / C;
  if (count <= 1) throw new Error(`${op}: expected more than 1 value per channel when training, got input ${formatShape(x.shape)}`);
  const axes = x.shape.map((_, i) => i).filter((i) => i !== 1);
  return engine.tidy(() => {
    const m = mean(x, axes, true);
    const centred = sub(x, m);
    const v = mean(mul(centred, centred), axes, true);
    if (runningMean && runningVar) {
      engine.noGrad(() => {
        overwrite(runningMean, add(mul(runningMean, 1 - momentum), mul(reshape(m, [C]), momentum)));
        overwrite(runningVar, add(mul(runningVar, 1 - momentum), mul(reshape(v, [C]), (momentum * count) / (count - 1))));
      });
    }
    return normaliseChannels(centred, v, eps, weight, bias, shape);
  });
}

/**
 * Group normalisation as torch.nn.functional.group_norm (PyTorch 1.13+): x [N, C, …] f32, channels split into
 * numGroups contiguous groups, each normalised over its channels and the spatial axes with the biased variance;
 * then per-channel weight/bias [C]. TorchUncertainty's PackedLayerNorm is this with numGroups = M.
 * Throws when numGroups does not divide C or the affine vectors are not [C].
 */
export function groupNorm(x: Tensor, numGroups: number, weight: Tensor | null = null, bias: Tensor | null = null, eps = 1e-5): Tensor {
  const op = 'groupNorm';
  expectDType(op, x, 'f32');
  if (x.rank < 2) throw new Error(`${op}: input must be [N, C, …], got ${formatShape(x.shape)}`);
  const [N, C] = x.shape;
  if (!Number.isInteger(numGroups) || numGroups < 1 || C % numGroups) {
    throw new Error(`${op}: numGroups ${numGroups} must be a positive integer dividing the ${C} channels`);
  }
  expectChannelVector(op, weight, C, 'weight');
  expectChannelVector(op, bias, C, 'bias');
  if (!(eps > 0)) throw new Error(`${op}: eps must be positive, got ${eps}`);
  return engine.tidy(() => {
    const grouped = reshape(x, [N, numGroups, -1]);
    const m = mean(grouped, 2, true);
    const centred = sub(grouped, m);
    const v = mean(mul(centred, centred), 2, true);
    return affine(reshape(standardise(centred, v, eps), x.shape), weight, bias, channelShape(x));
  });
}
