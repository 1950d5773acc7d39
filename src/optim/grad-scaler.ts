// Dynamic loss scaling for f16 GEMMs (AMP), with PyTorch's GradScaler semantics.
import { engine } from '../engine.ts';
import { concat, mul, reshape, sum } from '../ops/index.ts';
import type { Tensor } from '../tensor.ts';
import type { Optimizer } from './optimizer.ts';

/** Options of `GradScaler`, as the arguments of PyTorch's `torch.cuda.amp.GradScaler` (1.13), camelCased. */
export interface GradScalerOptions {
  /** Initial scale (default 2^16). */
  initScale?: number;
  /** Factor applied after growthInterval steps without inf/NaN gradients (default 2). */
  growthFactor?: number;
  /** Factor applied after a step with inf/NaN gradients (default 0.5). */
  backoffFactor?: number;
  /** Clean steps between growths (default 2000). */
  growthInterval?: number;
}

/** What a GradScaler carries from step to step (for snapshots: see TrainingGuard's `scaler`). */
export interface GradScalerState {
  /** The loss scale (a float32 ≥ 2^-126). */
  scale: number;
  /** Clean steps since the last growth or overflow. */
  growthTracker: number;
}

/** The smallest scale a backoff leaves: 2^-126, the smallest normal float32, whose inverse 2^126 is finite. */
const MIN_SCALE = 2 ** -126;

/** The float32 nearest to v: the scale is a float32, as PyTorch keeps it (a one-element float32 tensor). */
const toF32 = Math.fround;

/**
 * Scales the loss so that small gradients survive binary16, unscales the gradients before the step,
 * skips the step when a gradient is inf or NaN, and adapts the scale:
 *
 *   scaler.scale(loss).backward();
 *   await scaler.step(optimizer); // one scalar read back: were the gradients finite?
 *   scaler.update();
 *
 * step() reads one value back per training step (the inf/NaN check); nothing else does.
 *
 * The scale is always a finite float32 in [2^-126, 3.4e38], whatever the options: as PyTorch (since
 * pytorch/pytorch#98828, `_amp_update_scale_`) a growth whose result is not a finite float32 is not applied
 * (the growth count restarts), and a backoff stops at 2^-126, from which growth can still recover.
 *
 * @throws Error when an option is out of range: initScale not a finite float32 > 0, growthFactor not finite
 *   or ≤ 1, backoffFactor outside (0, 1), growthInterval not a positive integer.
 */
export class GradScaler {
  private current: number;
  private readonly growthFactor: number;
  private readonly backoffFactor: number;
  private readonly growthInterval: number;
  /** Clean steps since the last growth or overflow. */
  private growthTracker = 0;
  /** Whether this step's gradients held inf/NaN; null until unscale() has run in this step. */
  private foundInf: boolean | null = null;

  /**
   * @throws Error when initScale is not a finite float32 ≥ 2^-126, growthFactor is not finite and > 1,
   *   backoffFactor is not in (0, 1), or growthInterval is not a positive integer.
   */
  constructor(options: GradScalerOptions = {}) {
    const initScale = options.initScale ?? 2 ** 16;
    this.current = toF32(initScale);
    this.growthFactor = options.growthFactor ?? 2;
    this.backoffFactor = options.backoffFactor ?? 0.5;
    this.growthInterval = options.growthInterval ?? 2000;
    if (!(this.current >= MIN_SCALE && Number.isFinite(this.current))) {
      throw new Error(`GradScaler: initScale must be a finite float32 in [2^-126, 3.4e38], got ${initScale}`);
    }
    if (!(this.growthFactor > 1 && Number.isFinite(this.growthFactor))) {
      throw new Error(`GradScaler: growthFactor must be finite and > 1, got ${this.growthFactor}`);
    }
    if (!(this.backoffFactor > 0 && this.backoffFactor < 1)) throw new Error(`GradScaler: backoffFactor must be in (0, 1), got ${this.backoffFactor}`);
    if (!(Number.isInteger(this.growthInterval) && this.growthInterval >= 1)) {
      throw new Error(`GradScaler: growthInterval must be a positive integer, got ${this.growthInterval}`);
    }
  }

  /** The current scale. */
  getScale(): number {
    return this.current;
  }

  /** The scale and growth count, a plain copy. */
  state(): GradScalerState {
    return { scale: this.current, growthTracker: this.growthTracker };
  }

  /**
   * Restores a state() taken earlier (the scale rounded to float32); a step in progress (unscaled, not yet
   * updated) is forgotten.
   * @throws Error when the scale is not a finite float32 ≥ 2^-126 or the growth count is not in [0, growthInterval); nothing changes.
   */
  loadState(state: GradScalerState): void {
    const scale = toF32(state.scale);
    if (!(scale >= MIN_SCALE && Number.isFinite(scale))) {
      throw new Error(`GradScaler.loadState: scale must be a finite float32 in [2^-126, 3.4e38], got ${state.scale}`);
    }
    if (!(Number.isInteger(state.growthTracker) && state.growthTracker >= 0 && state.growthTracker < this.growthInterval)) {
      throw new Error(`GradScaler.loadState: growthTracker must be an integer in [0, ${this.growthInterval}), got ${state.growthTracker}`);
    }
    this.current = scale;
    this.growthTracker = state.growthTracker;
    this.foundInf = null;
  }

  /**
   * loss × scale, an f32 tensor of the loss's shape (backpropagate this instead of the loss).
   * @throws Error when loss is not f32 or was disposed.
   */
  scale(loss: Tensor): Tensor {
    return mul(loss, this.current);
  }

  /**
   * Divides every gradient of the optimizer's parameters by the scale and checks them for inf/NaN
   * (one value read back). Call it before clipping gradients; step() calls it if you did not.
   * @throws Error (as a rejection) when it already ran since the last update().
   */
  async unscale(optimizer: Optimizer): Promise<void> {
    if (this.foundInf !== null) throw new Error('GradScaler.unscale: already unscaled since the last update()');
    const withGrad = optimizer.params.filter((p) => p.grad);
    if (withGrad.length === 0) {
      this.foundInf = false;
      return;
    }
    const inverse = 1 / this.current;
    // g·0 is 0 for finite g and NaN for inf or NaN: the sum over every gradient flags them all at once.
    const flag = engine.noGrad(() =>
      engine.tidy(() => {
        for (const p of withGrad) {
          const unscaled = mul(p.grad!, inverse).keep();
          p.grad!.dispose();
          p.grad = unscaled;
        }
        return sum(concat(withGrad.map((p) => reshape(sum(mul(p.grad!, 0)), [1]))));
      }),
    );
    const value = await flag.item();
    flag.dispose();
    this.foundInf = !Number.isFinite(value);
  }

  /** Unscales (unless done) and applies optimizer.step() when the gradients are finite; true if it stepped. */
  async step(optimizer: Optimizer): Promise<boolean> {
    if (this.foundInf === null) await this.unscale(optimizer);
    if (this.foundInf) return false;
    optimizer.step();
    return true;
  }

  /**
   * Adapts the scale to this step: ×backoffFactor after inf/NaN (not below 2^-126), ×growthFactor after
   * growthInterval clean steps when the product is a finite float32 (else the scale stays).
   * @throws Error when step() or unscale() has not run since the last update().
   */
  update(): void {
    if (this.foundInf === null) throw new Error('GradScaler.update: call step() (or unscale()) first');
    if (this.foundInf) {
      this.current = Math.max(toF32(this.current * this.backoffFactor), MIN_SCALE);
      this.growthTracker = 0;
    } else if (++this.growthTracker === this.growthInterval) {
      const grown = toF32(this.current * this.growthFactor);
      if (Number.isFinite(grown)) this.current = grown;
      this.growthTracker = 0;
    }
    this.foundInf = null;
  }
}
