// One forward pass of a served model on a host batch, with the ensemble's mean and its uncertainty.
import { engine } from '../engine.ts';
import { tensor } from '../ops/create.ts';
import { softmax } from '../ops/index.ts';
import { ensembleMean, entropy, mutualInformation } from '../metrics.ts';
import { PackedMLP } from '../nn/packed.ts';
import { PackedLeNet } from '../nn/packed-lenet.ts';
import { batchShape, type ServedModel } from './model.ts';

export interface Prediction {
  /** Rows (images) of the batch. */
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

/**
 * The model's prediction on x: for a PackedMLP n rows of its inFeatures (`shape` = n or [n, inFeatures]), for a
 * PackedLeNet or PackedResNet n images (`shape` = [n, inChannels, height, width]). Runs under noGrad.
 * @throws when x does not fit the shape or the shape not the model.
 */
export async function predictBatch(model: ServedModel, x: Float32Array, shape: number | readonly number[]): Promise<Prediction> {
  const architecture = model instanceof PackedMLP ? 'PackedMLP' : model instanceof PackedLeNet ? 'PackedLeNet' : 'PackedResNet';
  const full = batchShape(architecture, model.config, x.length, shape);
  const probs = engine.noGrad(() => engine.tidy(() => softmax(model.estimatorLogits(tensor(x, full)))));
  const perEstimator = (await probs.data()) as Float32Array;
  probs.dispose();
  const M = model.numEstimators, C = model.numClasses;
  const per = { data: perEstimator, classes: C };
  const mean = ensembleMean(per, M);
  return {
    n: full[0],
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
