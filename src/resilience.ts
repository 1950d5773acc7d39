// Surviving the loss of a device mid-training: host snapshots of parameters and optimizer state every
// few steps, plus a log of the batches since; on loss, restore on the fallback backend and replay.
import type { Backend, BackendName } from './backend/backend.ts';
import { engine } from './engine.ts';
import type { Module } from './nn/module.ts';
import type { GradScaler, GradScalerState } from './optim/grad-scaler.ts';
import type { Optimizer, OptimizerState } from './optim/optimizer.ts';
import { getBackend } from './runtime.ts';

/** Options of `TrainingGuard`: how often it snapshots, where it continues after a device loss, and whom it tells. */
export interface GuardOptions {
  /** Steps between host snapshots (each is one readback of the parameters and optimizer state). Default 25. */
  snapshotEvery?: number;
  /** Backend to continue on when the device is lost. Default 'wasm'. */
  fallback?: BackendName;
  /** The loss scaler of an f16 (AMP) run: its scale is snapshotted too, so a replayed step skips or grows as it did. */
  scaler?: GradScaler;
  /** Told when training moves to the fallback backend, with the number of steps replayed there. */
  onFallback?: (reason: string, replayedSteps: number) => void;
}

interface Snapshot {
  params: Float32Array[];
  optimizer: OptimizerState;
  scaler?: GradScalerState;
}

/** Why the step failed if the device is gone (rather than a bug), else null. */
function lostReason(backend: Backend, err?: unknown): string | null {
  if (backend.lostReason) return backend.lostReason;
  const message = err instanceof Error ? err.message : String(err ?? '');
  return /device (was |is )?lost|GPUDevice.*(destroyed|lost)/i.test(message) ? message : null;
}

function disposeResult(value: unknown): void {
  if (value && typeof value === 'object' && 'dispose' in value && typeof value.dispose === 'function') value.dispose();
}

/**
 * Runs training steps so that a lost device costs no step: the last snapshot is restored on the fallback
 * backend and every logged step since is replayed (with its learning rate). Steps must be deterministic
 * in their batch.
 *
 * @typeParam B What one step trains on, as your step function takes it (e.g. `{ x: Float32Array; y:
 * Int32Array; n: number }`, or row indices). Give it explicitly, `new TrainingGuard<Batch>(...)`: the
 * constructor has no batch to infer it from.
 */
export class TrainingGuard<B> {
  private snapshot: Snapshot | null = null;
  private log: { batch: B; lr: number }[] = [];
  private readonly every: number;
  /** Steps replayed on the fallback backend so far. */
  replayed = 0;

  /**
   * Guards the training of `model` by `optimizer` (snapshots hold both, and the scaler's scale if given).
   * @throws Error when `snapshotEvery` is not a number >= 1.
   */
  constructor(private readonly model: Module, private readonly optimizer: Optimizer, private readonly options: GuardOptions = {}) {
    this.every = options.snapshotEvery ?? 25;
    if (!(this.every >= 1)) throw new Error(`TrainingGuard: snapshotEvery must be >= 1, got ${options.snapshotEvery}`);
  }

  /**
   * Runs one step on its batch (awaited when it is async); after a device loss, recovers on the fallback
   * backend and runs it there. Resolves to what `run` returns.
   * @throws whatever `run` throws when the device was not lost, and the fallback backend's error if recovery fails.
   */
  async step<T>(batch: B, run: (batch: B) => T | Promise<T>): Promise<T> {
    await this.ensureAlive(run);
    const backend = engine.backend;
    try {
      if (!this.snapshot || this.log.length >= this.every) await this.takeSnapshot();
      this.log.push({ batch, lr: this.optimizer.lr });
      const result = await run(batch);
      if (backend.lostReason) throw new Error(backend.lostReason);
      return result;
    } catch (err) {
      const reason = lostReason(backend, err);
      if (!reason || !this.snapshot) throw err;
      const current = this.log.pop()!;
      await this.recover(reason, run);
      this.log.push(current);
      return run(batch);
    }
  }

  /** Recovers first if the current backend's device is gone (call before reading values back). */
  async ensureAlive(run: (batch: B) => unknown): Promise<void> {
    const reason = lostReason(engine.backend);
    if (reason && this.snapshot) await this.recover(reason, run);
  }

  private async takeSnapshot(): Promise<void> {
    const params = await Promise.all(this.model.parameters().map(async (p) => (await p.data()) as Float32Array));
    this.snapshot = { params, optimizer: await this.optimizer.exportState(), scaler: this.options.scaler?.state() };
    this.log = [];
  }

  /** Restores the snapshot on the fallback backend and replays the logged steps. */
  private async recover(reason: string, run: (batch: B) => unknown): Promise<void> {
    const target = await getBackend(this.options.fallback ?? 'wasm');
    engine.backend = target;
    const snap = this.snapshot!;
    this.model.parameters().forEach((p, i) => {
      p.grad?.dispose();
      p.grad = null;
      p.assign(target, snap.params[i]);
    });
    const lr = this.optimizer.lr;
    this.optimizer.importState(snap.optimizer);
    if (snap.scaler) this.options.scaler!.loadState(snap.scaler);
    this.options.onFallback?.(reason, this.log.length);
    for (const { batch, lr: stepLr } of this.log) {
      this.optimizer.lr = stepLr;
      disposeResult(await run(batch));
    }
    this.optimizer.lr = lr;
    this.replayed += this.log.length;
  }
}
