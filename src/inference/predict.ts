// One forward pass of a served model on a host batch, with the ensemble's mean and its uncertainty.
import { engine } from '../engine.ts';
import { entr } from '../entr.ts';
import { tensor } from '../ops/create.ts';
import type { Tensor } from '../tensor.ts';
import { reshape } from '../ops/index.ts';
import { softmaxAndLogSoftmax } from '../ops/softmax.ts';
import { PackedMLP } from '../nn/packed.ts';
import { PackedLeNet } from '../nn/packed-lenet.ts';
import { batchShape, type ServedModel } from './model.ts';

/**
 * What `predictBatch` and `InferenceWorker.predict` return: the ensemble's probabilities and its uncertainty, per
 * row. Each array has a buffer of its own (one can be transferred without detaching the others).
 */
export interface Prediction {
  /** Rows (images) of the batch. */
  n: number;
  /** C, the number of classes. */
  classes: number;
  /** M, the number of estimators (ensemble members). */
  estimators: number;
  /** The ensemble's mean probabilities [n, classes]. */
  probs: Float32Array;
  /** Each estimator's probabilities, estimator-major [estimators * n, classes]. */
  perEstimator: Float32Array;
  /** Predictive entropy of the mean, per row, in nats (total uncertainty); NaN for a row whose probabilities are NaN. */
  entropy: Float32Array;
  /** Mutual information between prediction and estimator, per row, in nats (disagreement); NaN as entropy. */
  mutualInformation: Float32Array;
}

/**
 * The model's prediction on x: for a PackedMLP n rows of its inFeatures (`shape` = n or [n, inFeatures]), for a
 * PackedLeNet or PackedResNet n images (`shape` = [n, inChannels, height, width]). Runs under noGrad.
 * One kernel pass writes the softmax and log-softmax of the packed logits viewed as [n·M, C] (each row one
 * estimator's logits of one input, no rearranging copy); one host pass then writes the estimator-major
 * probabilities, their mean and the two uncertainties. The probabilities, their mean and its entropy are
 * those of `ensembleMean` and `entropy` bit for bit (the same operations in the same order); the mutual
 * information takes each estimator's entropy as −Σ p·log_softmax, the backend's f32 log-probabilities, where a
 * host logarithm per probability was most of the pass: it agrees with `mutualInformation` to f32 rounding.
 * @throws when x does not fit the shape or the shape not the model, or for a PackedLeNet built asWritten
 * (no per-estimator logits).
 */
export async function predictBatch(model: ServedModel, x: Float32Array, shape: number | readonly number[]): Promise<Prediction> {
  return predictInto(model, x, shape, (n, M, C) => {
    const p = { n, classes: C, estimators: M, perEstimator: new Float32Array(M * n * C), probs: new Float32Array(n * C), entropy: new Float32Array(n), mutualInformation: new Float32Array(n) };
    return [p, p];
  });
}

/**
 * A prediction as the inference worker sends it: one buffer, so that its answer transfers one buffer, not four
 * (each transferred buffer costs a message several microseconds, most of a one-row answer's). `values` holds
 * perEstimator [M·n, C], then probs [n, C], then entropy [n], then mutualInformation [n].
 */
export interface PackedPrediction {
  n: number;
  classes: number;
  estimators: number;
  values: Float32Array;
}

/** predictBatch's result in one buffer (see PackedPrediction). @throws as predictBatch. */
export async function predictPacked(model: ServedModel, x: Float32Array, shape: number | readonly number[]): Promise<PackedPrediction> {
  return predictInto(model, x, shape, (n, M, C) => {
    const packed = { n, classes: C, estimators: M, values: new Float32Array((M + 1) * n * C + 2 * n) };
    return [packed, packedViews(packed)];
  });
}

/** A PackedPrediction's arrays as views of its one buffer. */
function packedViews({ n, classes: C, estimators: M, values }: PackedPrediction): Prediction {
  const mean = M * n * C, entropy = mean + n * C;
  const view = (from: number, to: number): Float32Array => values.subarray(from, to);
  return { n, classes: C, estimators: M, perEstimator: view(0, mean), probs: view(mean, entropy), entropy: view(entropy, entropy + n), mutualInformation: view(entropy + n, entropy + 2 * n) };
}

/**
 * Rows [start, start + count) of a PackedPrediction (all of them by default), each array copied into a buffer
 * of its own: the client's answer to one request of a merged batch.
 */
export function unpackPrediction(packed: PackedPrediction, start = 0, count = packed.n): Prediction {
  const p = packedViews(packed), C = p.classes, M = p.estimators;
  const perEstimator = new Float32Array(M * count * C);
  for (let m = 0; m < M; m++) perEstimator.set(p.perEstimator.subarray((m * p.n + start) * C, (m * p.n + start + count) * C), m * count * C);
  return {
    n: count,
    classes: C,
    estimators: M,
    probs: p.probs.slice(start * C, (start + count) * C),
    perEstimator,
    entropy: p.entropy.slice(start, start + count),
    mutualInformation: p.mutualInformation.slice(start, start + count),
  };
}

/** The forward pass and the host pass of both predict functions, writing into the arrays `make` allocates. */
async function predictInto<T>(model: ServedModel, x: Float32Array, shape: number | readonly number[], make: (n: number, M: number, C: number) => [T, Prediction]): Promise<T> {
  const architecture = model instanceof PackedMLP ? 'PackedMLP' : model instanceof PackedLeNet ? 'PackedLeNet' : 'PackedResNet';
  const full = batchShape(architecture, model.config, x, shape);
  const M = model.numEstimators, C = model.numClasses, n = full[0];
  const logits = (t: Tensor): Tensor => (model instanceof PackedLeNet && model.asWritten ? model.estimatorLogits(t) : reshape(model.forward(t), [n * M, C]));
  const outputs = engine.noGrad(() => engine.tidy(() => softmaxAndLogSoftmax(logits(tensor(x, full)))));
  try {
    const [probs, logProbs] = outputs;
    const [result, into] = make(n, M, C);
    fromPackedProbs((await probs.data()) as Float32Array, (await logProbs.data()) as Float32Array, into);
    return result;
  } finally {
    for (const t of outputs) t.dispose();
  }
}

/** Writes the prediction `out` (its arrays zeroed) from packed probabilities and log-probabilities [n, M·C] (input-major, as the model's logits). */
function fromPackedProbs(packed: Float32Array, logPacked: Float32Array, out: Prediction): void {
  const { n, classes: C, estimators: M, perEstimator, probs: mean, entropy: entropyOut, mutualInformation: mi } = out;
  for (let i = 0; i < n; i++) {
    let estimators = 0; // Σ_m of estimator m's entropy
    for (let m = 0; m < M; m++) {
      const from = (i * M + m) * C, to = (m * n + i) * C;
      for (let c = 0; c < C; c++) {
        const v = packed[from + c];
        perEstimator[to + c] = v;
        mean[i * C + c] += v / M;
        if (v !== 0) estimators -= v * logPacked[from + c]; // as entr: 0·log 0 is 0, NaN stays NaN
      }
    }
    let total = 0;
    for (let c = 0; c < C; c++) total += entr(mean[i * C + c]);
    entropyOut[i] = total;
    mi[i] = total - estimators / M;
  }
}
