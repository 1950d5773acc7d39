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
  constructor(readonly kernelSize: Size2, readonly options: MaxPool2dOptions = {}) {
    super();
  }
  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernelSize, this.options);
  }
}

/** torch.nn.AvgPool2d(kernelSize, stride = kernelSize, padding, ceilMode, countIncludePad); see avgPool2d. */
export class AvgPool2d extends Module {
  constructor(readonly kernelSize: Size2, readonly options: AvgPool2dOptions = {}) {
    super();
  }
  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize, this.options);
  }
}

/** torch.nn.AdaptiveAvgPool2d(outputSize); see adaptiveAvgPool2d. */
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: number | readonly [number | null, number | null]) {
    super();
  }
  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }
}

/** torch.nn.Dropout(p): active in training mode only (module.train() / module.eval()). */
export class Dropout extends Module {
  constructor(readonly p = 0.5, readonly rng?: Rng) {
    super();
    if (!(p >= 0 && p <= 1)) throw new Error(`Dropout: p must be a probability in [0, 1], got ${p}`);
  }
  forward(x: Tensor): Tensor {
    return dropout(x, this.p, { training: this.training, rng: this.rng });
  }
}

/** torch.nn.Dropout2d(p): whole channels of [N, C, H, W], in training mode only. */
export class Dropout2d extends Module {
  constructor(readonly p = 0.5, readonly rng?: Rng) {
    super();
    if (!(p >= 0 && p <= 1)) throw new Error(`Dropout2d: p must be a probability in [0, 1], got ${p}`);
  }
  forward(x: Tensor): Tensor {
    return dropout2d(x, this.p, { training: this.training, rng: this.rng });
  }
}

/** torch.nn.Flatten(startDim = 1, endDim = -1). */
export class Flatten extends Module {
  constructor(readonly startDim = 1, readonly endDim = -1) {
    super();
  }
  forward(x: Tensor): Tensor {
    return flatten(x, this.startDim, this.endDim);
  }
}

/** torch.nn.Identity: the input's values (a view). */
export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return reshape(x, x.shape);
  }
}
