// Optimizer base: parameters, per-parameter state tensors, and gradient clearing.
import type { Backend, BackendName } from '../backend/backend.ts';
import { zerosLike } from '../ops/create.ts';
import { empty } from '../ops/core.ts';
import { getBackend } from '../runtime.ts';
import type { Tensor } from '../tensor.ts';
import type { Shape } from '../shapes.ts';

/** A host copy of an optimizer's state (see exportState / importState). */
export interface OptimizerState {
  /** Number of step() calls so far. */
  stepCount: number;
  /** The learning rate when it was exported (a scheduler may have changed it). */
  lr: number;
  /** One entry per parameter, in the optimizer's parameter order. */
  perParam: {
    /** The parameter's state buffers (Adam: exp_avg, exp_avg_sq; SGD with momentum: momentum_buffer), each of the parameter's size; none before its first update. */
    buffers: Float32Array[];
    /** Updates applied to the parameter so far (Adam's bias-correction step). */
    updates: number;
  }[];
}

function tensorOn(backend: Backend, data: Float32Array, shape: Shape): Tensor {
  const t = empty(shape, 'f32', backend);
  backend.upload(t.storageOf('importState'), data);
  return t;
}

/**
 * The base of the optimizers, as PyTorch's `torch.optim.Optimizer` (1.13) with one parameter group: it holds
 * the parameters, their state buffers on each parameter's backend, and the learning rate a scheduler may change.
 */
export abstract class Optimizer {
  /** The parameters it updates (f32 tensors that require grad), in the order given. */
  readonly params: Tensor[];
  /** Learning rate (≥ 0) of the next step; schedulers (StepLR, CosineAnnealingLR) set it. */
  lr: number;
  /** Number of step() calls so far. */
  stepCount = 0;
  /** Each parameter's state buffers (moments, momentum), made on its first update. */
  protected readonly state = new Map<Tensor, Tensor[]>();
  /** Updates applied to each parameter (Adam's bias correction, SGD's first momentum step). */
  protected readonly updates = new Map<Tensor, number>();

  /**
   * @param params The parameters to update (e.g. `model.parameters()`).
   * @param lr Learning rate, ≥ 0.
   * @throws Error when there are no parameters, one does not require grad, or lr is negative or NaN.
   */
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
    for (const p of this.params) {
      if (!p.grad) continue;
      const n = (this.updates.get(p) ?? 0) + 1;
      this.updates.set(p, n);
      this.update(p, p.grad, n);
    }
  }

  /** Applies the n-th (1-based) update of one parameter. */
  protected abstract update(param: Tensor, grad: Tensor, n: number): void;

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

  /** Moves the state buffers to another backend (a plain copy of the same bytes), as model.to() does. */
  async to(backend: BackendName): Promise<this> {
    const target = await getBackend(backend);
    for (const t of this.stateTensors()) await t.moveTo(target);
    return this;
  }

  /** Host copy of the state, per parameter index: its buffers and update count. */
  async exportState(): Promise<OptimizerState> {
    const perParam: OptimizerState['perParam'] = [];
    for (const p of this.params) {
      const buffers = await Promise.all((this.state.get(p) ?? []).map(async (t) => (await t.data()) as Float32Array));
      perParam.push({ buffers, updates: this.updates.get(p) ?? 0 });
    }
    return { stepCount: this.stepCount, lr: this.lr, perParam };
  }

  /**
   * Replaces the state with a host copy (from `exportState`), creating the buffers on each parameter's backend.
   * @throws Error when the copy holds state for another number of parameters; nothing changes then.
   */
  importState(saved: OptimizerState): void {
    if (saved.perParam.length !== this.params.length) {
      throw new Error(`${this.constructor.name}.importState: state for ${saved.perParam.length} parameters, optimizer has ${this.params.length}`);
    }
    this.dispose();
    this.stepCount = saved.stepCount;
    this.lr = saved.lr;
    saved.perParam.forEach(({ buffers, updates }, i) => {
      const p = this.params[i];
      if (updates) this.updates.set(p, updates);
      if (buffers.length) this.state.set(p, buffers.map((data) => tensorOn(p.backend, data, p.shape).keep()));
    });
  }

  /** Clears each parameter's gradient (disposes it and sets `grad` to null), as PyTorch's `zero_grad(set_to_none=True)`. */
  zeroGrad(): void {
    for (const p of this.params) {
      p.grad?.dispose();
      p.grad = null;
    }
  }

  /**
   * Releases the state buffers (Adam's moments, SGD's momentum) and forgets the update counts; the
   * parameters are the model's (Module.dispose() frees them). A later step() starts the state afresh.
   */
  dispose(): void {
    for (const t of this.stateTensors()) t.dispose();
    this.state.clear();
    this.updates.clear();
  }
}
