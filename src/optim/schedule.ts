// Learning-rate schedules, stepped once per epoch (PyTorch's StepLR and CosineAnnealingLR).
import type { Optimizer } from './optimizer.ts';

abstract class Schedule {
  protected epoch = 0;
  protected readonly baseLr: number;
  constructor(protected readonly optimizer: Optimizer) {
    this.baseLr = optimizer.lr;
  }
  /** Advances one epoch and sets the optimizer's learning rate. */
  step(): number {
    this.epoch++;
    this.optimizer.lr = this.lrAt(this.epoch);
    return this.optimizer.lr;
  }
  protected abstract lrAt(epoch: number): number;
}

/** lr = base · gamma^floor(epoch / stepSize). */
export class StepLR extends Schedule {
  constructor(optimizer: Optimizer, private readonly stepSize: number, private readonly gamma = 0.1) {
    super(optimizer);
    if (!(stepSize >= 1)) throw new Error(`StepLR: stepSize must be >= 1, got ${stepSize}`);
  }
  protected lrAt(epoch: number): number {
    return this.baseLr * Math.pow(this.gamma, Math.floor(epoch / this.stepSize));
  }
}

/** lr = etaMin + (base - etaMin)(1 + cos(π·epoch/tMax))/2. */
export class CosineAnnealingLR extends Schedule {
  constructor(optimizer: Optimizer, private readonly tMax: number, private readonly etaMin = 0) {
    super(optimizer);
    if (!(tMax >= 1)) throw new Error(`CosineAnnealingLR: tMax must be >= 1, got ${tMax}`);
  }
  protected lrAt(epoch: number): number {
    return this.etaMin + ((this.baseLr - this.etaMin) * (1 + Math.cos((Math.PI * Math.min(epoch, this.tMax)) / this.tMax))) / 2;
  }
}
