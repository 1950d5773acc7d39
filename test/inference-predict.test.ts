// predictBatch's single host pass over the packed probabilities against the metrics composed on the
// estimator-major softmax: the same bits, on the js and wasm backends.
import { describe, expect, it } from 'vitest';
import * as bg from '../src/index.ts';
import { ensembleMean, entropy, mutualInformation } from '../src/metrics.ts';

describe('predictBatch', () => {
  for (const backend of ['js', 'wasm'] as const) {
    it(`${backend}: probabilities, mean, entropy and mutual information are those of the composed metrics, bit for bit`, async () => {
      await bg.init({ backend, threads: 2 });
      const model = new bg.nn.PackedMLP({ inFeatures: 7, hiddenFeatures: [12], numClasses: 5, numEstimators: 3, alpha: 2, rng: new bg.Rng(3) });
      model.eval();
      const n = 11, rng = new bg.Rng(4);
      const x = Float32Array.from({ length: n * 7 }, () => 3 * rng.normal());
      const got = await bg.predictBatch(model, x, n);
      const probs = bg.noGrad(() => bg.tidy(() => bg.softmax(model.estimatorLogits(bg.tensor(x, [n, 7])))));
      const per = { data: (await probs.data()) as Float32Array, classes: 5 };
      probs.dispose();
      const mean = ensembleMean(per, 3);
      expect(got.perEstimator).toEqual(per.data);
      expect(got.probs).toEqual(mean.data);
      expect(got.entropy).toEqual(Float32Array.from(entropy(mean)));
      expect(got.mutualInformation).toEqual(Float32Array.from(mutualInformation(per, 3)));
      expect([got.n, got.classes, got.estimators]).toEqual([n, 5, 3]);
      for (const p of model.parameters()) p.dispose();
    });
  }
});
