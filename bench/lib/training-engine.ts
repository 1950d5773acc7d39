// One training step of this engine on the current backend, as `npm start` trains: PackedMLP, softmax
// cross-entropy of every estimator (estimator-major logits, repeated labels), Adam; the step ends with
// the loss read back (so every runner's step ends with its work done).
import * as bg from '../../src/index.ts';
import { LEARNING_RATE, trainingBatch, type TrainingModel } from './training-model.ts';

export interface TrainingWorkload {
  step(): Promise<void>;
  dispose(): void;
  /** Bytes the backend holds at the fullest moment of a step (after backward, before Adam's update). */
  peakBytes?(): Promise<number>;
}

/** The benchmarks' PackedMLP of `m` (seeded: every section measures the same weights). */
export function engineMLP(m: TrainingModel): bg.nn.PackedMLP {
  return new bg.nn.PackedMLP({
    inFeatures: m.inFeatures,
    hiddenFeatures: m.hidden,
    numClasses: m.classes,
    numEstimators: m.numEstimators,
    alpha: m.alpha,
    rng: new bg.Rng(1),
  });
}

export function engineTraining(m: TrainingModel): TrainingWorkload {
  const model = engineMLP(m);
  return adamWorkload(model, () => model.parameters(), trainingBatch(m), [m.batch, m.inFeatures], m);
}

/**
 * The Adam step of a packed model (the MLP here, the ResNet in conv-engine.ts) on one fixed batch: softmax
 * cross-entropy of `model.estimatorLogits(x)` against the labels repeated per estimator, backward, Adam
 * (lr LEARNING_RATE), the loss read back. `modelTensors` lists what dispose frees of the model.
 */
export function adamWorkload(
  model: { estimatorLogits(x: bg.Tensor): bg.Tensor; parameters(): bg.Tensor[] },
  modelTensors: () => bg.Tensor[],
  batch: { x: Float32Array; labels: Int32Array },
  inputShape: number[],
  m: { batch: number; numEstimators: number },
): TrainingWorkload {
  const optimizer = new bg.optim.Adam(model.parameters(), { lr: LEARNING_RATE });
  const x = bg.tensor(batch.x, inputShape);
  const labels = bg.tidy(() => bg.repeat(bg.tensor(batch.labels, [m.batch], { dtype: 'i32' }), m.numEstimators));
  const run = async (probe?: (bytes: number) => void): Promise<void> => {
    const loss = bg.tidy(() => {
      const l = bg.crossEntropy(model.estimatorLogits(x), labels);
      l.backward();
      probe?.(bg.memory().bytes);
      return l;
    });
    optimizer.step();
    optimizer.zeroGrad();
    await loss.item();
    loss.dispose();
  };
  return {
    step: () => run(),
    async peakBytes() {
      let peak = 0;
      await run((bytes) => (peak = bytes));
      return peak;
    },
    dispose() {
      optimizer.dispose();
      for (const t of [...modelTensors(), x, labels]) t.dispose();
    },
  };
}
