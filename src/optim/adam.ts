import type { Tensor } from '../tensor.ts';
import { Optimizer } from './optimizer.ts';

/** Options of `Adam` and `AdamW`, as the arguments of PyTorch's `torch.optim.Adam` / `AdamW` (1.13), camelCased. */
export interface AdamOptions {
  /** Learning rate, ≥ 0. Default 1e-3. */
  lr?: number;
  /** Decay rates (β1, β2) of the first and second moment estimates, each in [0, 1). Default [0.9, 0.999]. */
  betas?: [number, number];
  /** Added to √v̂ in the denominator, for stability. Default 1e-8. */
  eps?: number;
  /** Adam: L2 penalty added to the gradient (default 0); AdamW: decoupled decay lr·weightDecay·p (default 0.01). */
  weightDecay?: number;
}

/**
 * Adam as PyTorch's `torch.optim.Adam` (1.13, amsgrad off): L2 weight decay added to the gradient, bias-corrected
 * moments, one fused kernel per parameter.
 */
export class Adam extends Optimizer {
  /** Decay rates (β1, β2) of the moment estimates. */
  readonly betas: [number, number];
  /** Added to √v̂ in the denominator. */
  readonly eps: number;
  /** Weight decay: L2 on the gradient (Adam) or decoupled (AdamW). */
  readonly weightDecay: number;
  /** Whether weight decay is applied to the weights directly (AdamW) instead of to the gradient (Adam). */
  protected readonly decoupled: boolean = false;

  /**
   * @param params The parameters to update (e.g. `model.parameters()`).
   * @param defaultWeightDecay The weight decay when `options.weightDecay` is absent (AdamW passes 0.01).
   * @throws Error as Optimizer's constructor, and when a beta is outside [0, 1).
   */
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

/** AdamW as PyTorch's `torch.optim.AdamW` (1.13): weight decay applied to the weights directly (default 0.01, as PyTorch). */
export class AdamW extends Adam {
  /** Always true: the decay is decoupled from the gradient. */
  protected override readonly decoupled: boolean = true;
  /**
   * @param params The parameters to update (e.g. `model.parameters()`).
   * @throws Error as Adam's constructor.
   */
  constructor(params: Iterable<Tensor>, options: AdamOptions = {}) {
    super(params, options, 0.01);
  }
}
