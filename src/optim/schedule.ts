// Learning-rate schedules, stepped once per epoch (PyTorch's StepLR and CosineAnnealingLR).
import type { Optimizer } from './optimizer.ts';

abstract class Schedule {
  /** Epochs stepped so far (0 before the first `step()`). */
  protected epoch = 0;
  /** The optimizer's learning rate when the schedule was made: the rate at epoch 0. */
  protected readonly baseLr: number;
  /** @param optimizer The optimizer whose `lr` each `step()` sets. */
  constructor(protected readonly optimizer: Optimizer) {
    this.baseLr = optimizer.lr;
  }
  /** Advances one epoch and sets the optimizer's learning rate. */
  step(): number {
    this.epoch++;
    this.optimizer.lr = this.lrAt(this.epoch);
    return this.optimizer.lr;
  }
  /** The learning rate of epoch `epoch` (a whole number ≥ 0). */
  protected abstract lrAt(epoch: number): number;
}

/** PyTorch's `torch.optim.lr_scheduler.StepLR` (1.13): lr = base · gamma^floor(epoch / stepSize). */
export class StepLR extends Schedule {
  /**
   * @param optimizer The optimizer whose `lr` each `step()` sets; its current lr is the base.
   * @param stepSize Epochs between decays (≥ 1).
   * @param gamma Factor of each decay. Default 0.1.
   * @throws Error when stepSize is below 1.
   */
  constructor(optimizer: Optimizer, private readonly stepSize: number, private readonly gamma = 0.1) {
    super(optimizer);
    if (!(stepSize >= 1)) throw new Error(`StepLR: stepSize must be >= 1, got ${stepSize}`);
  }
  /** base · gamma^floor(epoch / stepSize). */
  protected lrAt(epoch: number): number {
    return this.baseLr * Math.pow(this.gamma, Math.floor(epoch / this.stepSize));
  }
}

/**
 * PyTorch's `torch.optim.lr_scheduler.CosineAnnealingLR` (1.13) in its closed form: lr = etaMin + (base −
 * etaMin)(1 + cos(π·epoch/tMax))/2, held at etaMin after tMax epochs.
 */
export class CosineAnnealingLR extends Schedule {
  /**
   * @param optimizer The optimizer whose `lr` each `step()` sets; its current lr is the base.
   * @param tMax Epochs from the base rate to etaMin (≥ 1).
   * @param etaMin The lowest rate. Default 0.
   * @throws Error when tMax is below 1.
   */
  constructor(optimizer: Optimizer, private readonly tMax: number, private readonly etaMin = 0) {
    super(optimizer);
    if (!(tMax >= 1)) throw new Error(`CosineAnnealingLR: tMax must be >= 1, got ${tMax}`);
  }
  /** etaMin + (base − etaMin)(1 + cos(π·min(epoch, tMax)/tMax))/2. */
  protected lrAt(epoch: number): number {
    return this.etaMin + ((this.baseLr - this.etaMin) * (1 + Math.cos((Math.PI * Math.min(epoch, this.tMax)) / this.tMax))) / 2;
  }
}
