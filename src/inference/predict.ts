// One forward pass of a PackedMLP on host rows, with the ensemble's mean and its uncertainty.
import { engine } from '../engine.ts';
import { tensor } from '../ops/create.ts';
import { softmax } from '../ops/index.ts';
import { ensembleMean, entropy, mutualInformation } from '../metrics.ts';
import type { PackedMLP } from '../nn/packed.ts';

export interface Prediction {
  /** Rows of the batch. */
  n: number;
  classes: number;
  estimators: number;
  /** The ensemble's mean probabilities [n, classes]. */
  probs: Float32Array;
  /** Each estimator's probabilities, estimator-major [estimators * n, classes]. */
  perEstimator: Float32Array;
  /** Predictive entropy of the mean, per row, in nats (total uncertainty). */
  entropy: Float32Array;
  /** Mutual information between prediction and estimator, per row, in nats (disagreement). */
  mutualInformation: Float32Array;
}

export async function predictBatch(model: PackedMLP, x: Float32Array, n: number): Promise<Prediction> {
  const features = model.layers[0].inFeatures;
  if (!Number.isInteger(n) || n < 1 || x.length !== n * features) {
    throw new Error(`predict: ${x.length} values are not ${n} rows of ${features} features`);
  }
  const probs = engine.noGrad(() => engine.tidy(() => softmax(model.estimatorLogits(tensor(x, [n, features])))));
  const perEstimator = (await probs.data()) as Float32Array;
  probs.dispose();
  const M = model.numEstimators, C = model.numClasses;
  const per = { data: perEstimator, classes: C };
  const mean = ensembleMean(per, M);
  return {
    n,
    classes: C,
    estimators: M,
    probs: mean.data,
    perEstimator,
    entropy: Float32Array.from(entropy(mean)),
    mutualInformation: Float32Array.from(mutualInformation(per, M)),
  };
}

/** The buffers of a prediction, for a transfer list. */
export function predictionBuffers(p: Prediction): ArrayBuffer[] {
  return [p.probs, p.perEstimator, p.entropy, p.mutualInformation].map((a) => a.buffer as ArrayBuffer);
}
