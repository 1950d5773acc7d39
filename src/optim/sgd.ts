import type { Tensor } from '../tensor.ts';
import { Optimizer } from './optimizer.ts';

export interface SGDOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  nesterov?: boolean;
  weightDecay?: number;
}

/** SGD with optional momentum, Nesterov and L2 weight decay (PyTorch's semantics), one fused kernel per parameter. */
export class SGD extends Optimizer {
  readonly momentum: number;
  readonly dampening: number;
  readonly nesterov: boolean;
  readonly weightDecay: number;

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
