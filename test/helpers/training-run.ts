// A small, fully seeded PackedMLP training run on the current backend, shared by the soak, fault and
// determinism tests and by test/long-soak.ts. Batches cycle through a fixed seeded set.
import * as bg from '../../src/index.ts';

export const config = { inFeatures: 20, hiddenFeatures: [48, 48], numClasses: 5, numEstimators: 4, alpha: 2 };
const batchSize = 32;
const distinctBatches = 16;

export interface Batch {
  x: Float32Array;
  y: Int32Array;
}

export interface TrainingRun {
  model: bg.nn.PackedMLP;
  optimizer: bg.optim.Adam;
  batches: Batch[];
  /** The loss on batch i (recorded on the tape unless under noGrad). */
  lossOf(i: number): bg.Tensor;
  /** Forward and backward of batch i (no optimizer step): gradients land on the parameters. */
  backward(i: number): void;
  /** One full step on batch i: forward, backward, Adam update, gradients cleared. */
  step(i: number): void;
  /** The parameters read back to the host. */
  parameters(): Promise<Float32Array[]>;
}

/**
 * Hidden widths whose block GEMMs are large enough for the wasm backend to split them over its threads
 * (small ones stay on the calling thread): for tests of thread faults and of determinism across threads.
 */
export const threadedHidden = [512, 512];

/** A model, an optimizer and seeded batches on the backend current now. */
export function trainingRun(seed: number, hiddenFeatures = config.hiddenFeatures): TrainingRun {
  const rng = new bg.Rng(seed);
  const batches = Array.from({ length: distinctBatches }, () => ({
    x: Float32Array.from({ length: batchSize * config.inFeatures }, () => rng.normal()),
    y: Int32Array.from({ length: batchSize }, () => rng.int(config.numClasses)),
  }));
  const model = new bg.nn.PackedMLP({ ...config, hiddenFeatures, rng: new bg.Rng(seed + 1) });
  const optimizer = new bg.optim.Adam(model.parameters(), { lr: 0.01 });
  const lossOf = (i: number): bg.Tensor =>
    bg.tidy(() => {
      const b = batches[i % batches.length];
      const logits = model.estimatorLogits(bg.tensor(b.x, [batchSize, config.inFeatures]));
      return bg.crossEntropy(logits, bg.repeat(bg.tensor(b.y, [batchSize]), config.numEstimators));
    });
  const backward = (i: number): void => bg.tidy(() => lossOf(i).backward());
  return {
    model,
    optimizer,
    batches,
    lossOf,
    backward,
    step(i) {
      backward(i);
      optimizer.step();
      optimizer.zeroGrad();
    },
    parameters: () => Promise.all(model.parameters().map(async (p) => (await p.data()) as Float32Array)),
  };
}

/** Largest |a - b| / (1 + |b|) over every parameter. */
export function maxRelativeDifference(a: Float32Array[], b: Float32Array[]): number {
  let worst = 0;
  a.forEach((values, k) => values.forEach((v, i) => (worst = Math.max(worst, Math.abs(v - b[k][i]) / (1 + Math.abs(b[k][i]))))));
  return worst;
}

/** Disposes a run's parameters and optimizer state. */
export function disposeRun(run: TrainingRun): void {
  run.optimizer.dispose();
  run.model.parameters().forEach((p) => p.dispose());
}
