import type { Tensor } from '../tensor.ts';
import { Optimizer } from './optimizer.ts';

/** Options of `SGD`, as the arguments of PyTorch's `torch.optim.SGD` (1.13), camelCased. */
export interface SGDOptions {
  /** Learning rate, ≥ 0 (required, as in PyTorch 1.13). */
  lr: number;
  /** Momentum factor; 0 (the default) keeps no momentum buffer. */
  momentum?: number;
  /** Dampening of the momentum: buf = momentum·buf + (1 − dampening)·g. Default 0. */
  dampening?: number;
  /** Nesterov momentum (needs momentum > 0 and dampening 0). Default false. */
  nesterov?: boolean;
  /** L2 penalty added to the gradient: g + weightDecay·p. Default 0. */
  weightDecay?: number;
}

/** SGD with optional momentum, Nesterov and L2 weight decay (PyTorch's semantics), one fused kernel per parameter. */
export class SGD extends Optimizer {
  /** Momentum factor (0: none). */
  readonly momentum: number;
  /** Dampening of the momentum. */
  readonly dampening: number;
  /** Whether the update uses Nesterov momentum. */
  readonly nesterov: boolean;
  /** L2 penalty added to the gradient. */
  readonly weightDecay: number;

  /**
   * @param params The parameters to update (e.g. `model.parameters()`).
   * @throws Error as Optimizer's constructor, and when nesterov is asked without momentum > 0 and dampening 0.
   */
  constructor(params: Iterable<Tensor>, options: SGDOptions) {
    super(params, options.lr);
    this.momentum = options.momentum ?? 0;
    this.dampening = options.dampening ?? 0;
    this.nesterov = options.nesterov ?? false;
    this.weightDecay = options.weightDecay ?? 0;
    if (this.nesterov && (this.momentum <= 0 || this.dampening !== 0)) {
      throw new Error('SGD: Nesterov momentum requires momentum > 0 and dampening = 0');
    }
  }

  protected update(param: Tensor, grad: Tensor, n: number): void {
    const buf = this.momentum ? this.stateOf(param, 1)[0] : null;
    const firstStep = n === 1;
    param.backend.sgdStep(param.storageOf('sgdStep'), grad.storageOf('sgdStep'), buf?.storageOf('sgdStep') ?? null, {
      lr: this.lr,
      momentum: this.momentum,
      dampening: this.dampening,
      nesterov: this.nesterov,
      weightDecay: this.weightDecay,
      firstStep,
    });
  }
}
