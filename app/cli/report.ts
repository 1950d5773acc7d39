// The uncertainty part of `npm start`'s report: predictive entropy, mutual information and disagreement on
// the test set and on an out-of-distribution set, and how well the mutual information separates them (AUROC).
import type { Dataset } from '../data/digits.ts';
import { metrics } from '../../src/index.ts';
import { predictEstimators, type PackedClassifier } from '../training.ts';

const { auroc, average, disagreement, ensembleMean, entropy, mutualInformation } = metrics;
type Probs = metrics.Probs;

/** Means over inputs, in nats (entropy, mutual information) and as a fraction of estimators (disagreement). */
export interface Uncertainty {
  entropy: number;
  mutualInformation: number;
  disagreement: number;
}

export interface UncertaintyReport {
  test: Uncertainty;
  /** On the out-of-distribution set. */
  ood: Uncertainty;
  /** AUROC of the mutual information, OOD inputs as positives against test inputs (0.5 = no separation). */
  auroc: number;
}

function uncertainty(per: Probs, numEstimators: number): { means: Uncertainty; mutualInformation: Float64Array } {
  const mi = mutualInformation(per, numEstimators);
  const means = { entropy: average(entropy(ensembleMean(per, numEstimators))), mutualInformation: average(mi), disagreement: average(disagreement(per, numEstimators)) };
  return { means, mutualInformation: mi };
}

export async function uncertaintyReport(model: PackedClassifier, test: Dataset, ood: Dataset): Promise<UncertaintyReport> {
  const M = model.numEstimators;
  const onTest = uncertainty(await predictEstimators(model, test), M);
  const onOod = uncertainty(await predictEstimators(model, ood), M);
  return { test: onTest.means, ood: onOod.means, auroc: auroc(onOod.mutualInformation, onTest.mutualInformation) };
}
