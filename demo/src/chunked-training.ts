// What the demo's two trainers share: the loop, training in chunks of roughly fixed wall time over shuffled
// epochs so the worker answers between chunks (pausing is simply not asking for the next chunk), and the API
// their workers answer the page with.
import { add, noGrad, type optim, type Rng, type Tensor } from '../../src/index.ts';
import type { Dataset } from '../../app/data/digits.ts';
import { backwardLoss, type PackedClassifier } from '../../app/training.ts';

/** What a page's training worker answers, over the page's settings S, started report St and chunk report P. */
export interface ChunkedTrainerApi<S, St, P> {
  start(settings: S): Promise<St>;
  /** Trains for about `ms` milliseconds or `maxSteps` steps, whichever ends first, then evaluates. */
  train(ms: number, maxSteps: number): Promise<P>;
  /** The model as safetensors, its architecture in the metadata. */
  save(): Promise<Uint8Array>;
}

/** Where training stands after a chunk. */
export interface ChunkReport {
  step: number;
  epoch: number;
  /** Mean training loss over the chunk's steps. */
  loss: number;
  stepsPerSecond: number;
}

/** A model trained by `optimizer` on shuffled epochs of `train` in batches of `batchSize`, a chunk at a time. */
export class ChunkedLoop {
  private readonly order: number[];
  private cursor = 0;
  private step = 0;
  private epoch = 0;

  /** @param readEvery steps between loss read-backs (the only points where the chunk's clock is checked). */
  constructor(
    private readonly model: PackedClassifier,
    private readonly optimizer: optim.Adam,
    private readonly train: Dataset,
    private readonly batchSize: number,
    private readonly rng: Rng,
    private readonly readEvery: number,
  ) {
    this.order = Array.from({ length: train.n }, (_, i) => i);
  }

  /** Trains for about `ms` milliseconds or `maxSteps` steps, whichever ends first, and at least one step. */
  async run(ms: number, maxSteps: number): Promise<ChunkReport> {
    const begin = performance.now();
    let lossSum: Tensor | null = null, steps = 0;
    while (steps === 0 || (steps < maxSteps && performance.now() - begin < ms)) {
      for (let k = 0; k < Math.min(this.readEvery, maxSteps - steps); k++, steps++) {
        const loss = this.trainStep();
        const previous: Tensor | null = lossSum;
        lossSum = previous ? noGrad(() => add(previous, loss)) : loss;
        if (previous) {
          previous.dispose();
          loss.dispose();
        }
      }
      await lossSum!.item(); // waits for the queued steps, so the clock means something
    }
    const loss = (await lossSum!.item()) / steps;
    lossSum!.dispose();
    const stepsPerSecond = steps / ((performance.now() - begin) / 1000);
    return { step: this.step, epoch: this.epoch, loss, stepsPerSecond };
  }

  /** One optimizer step on the next batch; returns its loss, on the backend. */
  private trainStep(): Tensor {
    const loss = backwardLoss(this.model, this.train, this.nextBatch());
    this.optimizer.step();
    this.optimizer.zeroGrad();
    this.step++;
    return loss;
  }

  private nextBatch(): number[] {
    const B = Math.min(this.batchSize, this.train.n);
    if (this.cursor + B > this.train.n) {
      this.cursor = 0;
      this.epoch++;
    }
    if (this.cursor === 0) this.rng.shuffle(this.order);
    this.cursor += B;
    return this.order.slice(this.cursor - B, this.cursor);
  }
}
