import type { Tensor } from '../tensor.ts';
import { Optimizer } from './optimizer.ts';

export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weightDecay?: number;
}

/** Adam (L2 weight decay added to the gradient), one fused kernel per parameter. */
export class Adam extends Optimizer {
  readonly betas: [number, number];
  readonly eps: number;
  readonly weightDecay: number;
  protected readonly decoupled: boolean = false;

  constructor(params: Iterable<Tensor>, options: AdamOptions = {}, defaultWeightDecay = 0) {
    super(params, options.lr ?? 1e-3);
    this.betas = options.betas ?? [0.9, 0.999];
    this.eps = options.eps ?? 1e-8;
    this.weightDecay = options.weightDecay ?? defaultWeightDecay;
    for (const b of this.betas) if (!(b >= 0 && b < 1)) throw new Error(`${this.constructor.name}: betas must be in [0, 1), got ${this.betas}`);
  }

  protected update(param: Tensor, grad: Tensor, step: number): void {
    const [m, v] = this.stateOf(param, 2);
    param.backend.adamStep(param.storageOf('adamStep'), grad.storageOf('adamStep'), m.storageOf('adamStep'), v.storageOf('adamStep'), {
      lr: this.lr,
      beta1: this.betas[0],
      beta2: this.betas[1],
      eps: this.eps,
      weightDecay: this.weightDecay,
      decoupled: this.decoupled,
      step,
    });
  }
}

/** AdamW: weight decay applied to the weights directly (default 0.01, as PyTorch). */
export class AdamW extends Adam {
  protected override readonly decoupled: boolean = true;
  constructor(params: Iterable<Tensor>, options: AdamOptions = {}) {
    super(params, options, 0.01);
  }
}
