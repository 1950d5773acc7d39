// Optimizer base: parameters, per-parameter state tensors, and gradient clearing.
import { zerosLike } from '../ops/create.ts';
import type { Tensor } from '../tensor.ts';

export abstract class Optimizer {
  readonly params: Tensor[];
  lr: number;
  /** Number of step() calls so far. */
  stepCount = 0;
  protected readonly state = new Map<Tensor, Tensor[]>();

  constructor(params: Iterable<Tensor>, lr: number) {
    this.params = [...params];
    if (this.params.length === 0) throw new Error(`${this.constructor.name}: no parameters to optimise`);
    for (const p of this.params) {
      if (!p.requiresGrad) throw new Error(`${this.constructor.name}: parameter ${p} does not require grad`);
    }
    if (!(lr >= 0)) throw new Error(`${this.constructor.name}: learning rate must be >= 0, got ${lr}`);
    this.lr = lr;
  }

  /** Applies one update from each parameter's .grad (parameters without a grad are left alone). */
  step(): void {
    this.stepCount++;
    for (const p of this.params) if (p.grad) this.update(p, p.grad);
  }

  protected abstract update(param: Tensor, grad: Tensor): void;

  /** The parameter's state buffers, created as zeros (and kept out of tidy scopes) on first use. */
  protected stateOf(param: Tensor, count: number): Tensor[] {
    let s = this.state.get(param);
    if (!s) {
      s = Array.from({ length: count }, () => zerosLike(param).keep());
      this.state.set(param, s);
    }
    return s;
  }

  /** Every state tensor (moment buffers), e.g. to move them with the model. */
  stateTensors(): Tensor[] {
    return [...this.state.values()].flat();
  }

  zeroGrad(): void {
    for (const p of this.params) {
      p.grad?.dispose();
      p.grad = null;
    }
  }

  /** Releases the state buffers. */
  dispose(): void {
    for (const t of this.stateTensors()) t.dispose();
    this.state.clear();
  }
}
