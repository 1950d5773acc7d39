// The uncertainty part of `npm start`'s report: predictive entropy, mutual information and disagreement
// on the test digits and on out-of-distribution noise images.
import type { Dataset } from '../data/digits.ts';
import { metrics, Rng, type nn } from '../../src/index.ts';

const { average, disagreement, ensembleMean, entropy, mutualInformation } = metrics;
type Probs = metrics.Probs;
import { predictEstimators } from '../training.ts';

/** Means over inputs, in nats (entropy, mutual information) and as a fraction of estimators (disagreement). */
export interface Uncertainty {
  entropy: number;
  mutualInformation: number;
  disagreement: number;
}

export interface UncertaintyReport {
  test: Uncertainty;
  /** On uniform-noise images of the test set's shape and size. */
  noise: Uncertainty;
}

function uncertainty(per: Probs, numEstimators: number): Uncertainty {
  return {
    entropy: average(entropy(ensembleMean(per, numEstimators))),
    mutualInformation: average(mutualInformation(per, numEstimators)),
    disagreement: average(disagreement(per, numEstimators)),
  };
}

/** n images of uniform noise in the data's [0, 1] pixel range, the same for the same seed. */
export function noiseImages(like: Dataset, n: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const x = Float32Array.from({ length: n * like.features }, () => rng.uniform());
  return { ...like, x, y: new Int32Array(n), n };
}

export async function uncertaintyReport(model: nn.PackedMLP, test: Dataset, seed: number): Promise<UncertaintyReport> {
  const M = model.numEstimators;
  const per = await predictEstimators(model, test);
  const noise = await predictEstimators(model, noiseImages(test, test.n, seed));
  return { test: uncertainty(per, M), noise: uncertainty(noise, M) };
}
