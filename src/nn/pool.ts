// Parameter-free layers around the pooling, dropout and reshaping ops.
import { dropout, dropout2d } from '../ops/dropout.ts';
import { adaptiveAvgPool2d, avgPool2d, maxPool2d, type AvgPool2dOptions, type MaxPool2dOptions } from '../ops/pool.ts';
import type { Size2 } from '../ops/conv.ts';
import { flatten, reshape } from '../ops/shape.ts';
import type { Rng } from '../random.ts';
import type { Tensor } from '../tensor.ts';
import { Module } from './module.ts';

/** torch.nn.MaxPool2d(kernelSize, stride = kernelSize, padding, dilation, ceilMode); see maxPool2d. */
export class MaxPool2d extends Module {
  /**
   * @param kernelSize Window size in pixels: an int or [KH, KW].
   * @param options Stride (default: the kernel size), padding, dilation, ceilMode; checked at the first forward.
   */
  constructor(readonly kernelSize: Size2, readonly options: MaxPool2dOptions = {}) {
    super();
  }
  /**
   * The maximum of each window: x [N, C, H, W] f32 to [N, C, OH, OW], as `maxPool2d`.
   * @throws Error on a non-4-D or non-f32 input, padding over half the kernel, or a kernel larger than the padded input.
   */
  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernelSize, this.options);
  }
}

/** torch.nn.AvgPool2d(kernelSize, stride = kernelSize, padding, ceilMode, countIncludePad); see avgPool2d. */
export class AvgPool2d extends Module {
  /**
   * @param kernelSize Window size in pixels: an int or [KH, KW].
   * @param options Stride (default: the kernel size), padding, ceilMode, countIncludePad; checked at the first forward.
   */
  constructor(readonly kernelSize: Size2, readonly options: AvgPool2dOptions = {}) {
    super();
  }
  /**
   * The mean of each window: x [N, C, H, W] f32 to [N, C, OH, OW], as `avgPool2d`.
   * @throws Error on a non-4-D or non-f32 input, padding over half the kernel, or a kernel larger than the padded input.
   */
  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, this.options);
  }
}

/** torch.nn.AdaptiveAvgPool2d(outputSize); see adaptiveAvgPool2d. */
export class AdaptiveAvgPool2d extends Module {
  /** @param outputSize [OH, OW] (an int for both), a null keeping that input size. */
  constructor(readonly outputSize: number | readonly [number | null, number | null]) {
    super();
  }
  /**
   * x [N, C, H, W] f32 to [N, C, OH, OW], window o covering rows [⌊o·H/OH⌋, ⌈(o+1)·H/OH⌉), as `adaptiveAvgPool2d`.
   * @throws Error on a non-4-D or non-f32 input or an output size that is not a positive integer.
   */
  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }
}

/** torch.nn.Dropout(p): active in training mode only (module.train() / module.eval()). */
export class Dropout extends Module {
  /**
   * @param p Probability of zeroing, in [0, 1]. Default 0.5.
   * @param rng Source of the masks. Default: the library's generator, which `seed()` resets.
   * @throws Error when p is not in [0, 1].
   */
  constructor(readonly p = 0.5, readonly rng?: Rng) {
    super();
    if (!(p >= 0 && p <= 1)) throw new Error(`Dropout: p must be a probability in [0, 1], got ${p}`);
  }
  /**
   * In training mode each element of x (any shape, f32) zeroed with probability p, the rest scaled by 1/(1 − p); in eval mode x's values.
   * The output has x's shape.
   * @throws Error when x is not f32, or was disposed.
   */
  forward(x: Tensor): Tensor {
    return dropout(x, this.p, { training: this.training, rng: this.rng });
  }
}

/** torch.nn.Dropout2d(p): whole channels of [N, C, H, W], in training mode only. */
export class Dropout2d extends Module {
  /**
   * @param p Probability of zeroing, in [0, 1]. Default 0.5.
   * @param rng Source of the masks. Default: the library's generator, which `seed()` resets.
   * @throws Error when p is not in [0, 1].
   */
  constructor(readonly p = 0.5, readonly rng?: Rng) {
    super();
    if (!(p >= 0 && p <= 1)) throw new Error(`Dropout2d: p must be a probability in [0, 1], got ${p}`);
  }
  /**
   * In training mode whole channels of x [N, C, H, W] f32 zeroed with probability p, the rest scaled by 1/(1 − p); in eval mode x's values.
   * The output has x's shape.
   * @throws Error when x is not f32 or not 4-D, or was disposed.
   */
  forward(x: Tensor): Tensor {
    return dropout2d(x, this.p, { training: this.training, rng: this.rng });
  }
}

/** torch.nn.Flatten(startDim = 1, endDim = -1). */
export class Flatten extends Module {
  /**
   * @param startDim First axis merged (negative from the end). Default 1, keeping the batch axis.
   * @param endDim Last axis merged, inclusive (negative from the end). Default −1.
   */
  constructor(readonly startDim = 1, readonly endDim = -1) {
    super();
  }
  /**
   * x with axes startDim..endDim merged into one: [N, C, H, W] to [N, C·H·W] by default; a view, no copy.
   * @throws Error when an axis is out of range or startDim comes after endDim.
   */
  forward(x: Tensor): Tensor {
    return flatten(x, this.startDim, this.endDim);
  }
}

/** torch.nn.Identity: the input's values (a view). */
export class Identity extends Module {
  /** x's values, any shape (a view, no copy). @throws Error when x was disposed. */
  forward(x: Tensor): Tensor {
    return reshape(x, x.shape);
  }
}
