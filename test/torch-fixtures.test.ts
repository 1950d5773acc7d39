// PyTorch fixtures (scripts/torch-fixtures.py): our PackedMLP's forward, loss and every gradient match PyTorch's.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import * as bg from '../src/index.ts';
import { readSafetensors, stateValues } from '../src/io/safetensors.ts';
import { fromTorchUncertainty } from '../src/io/torch-uncertainty/index.ts';
import { relativeError } from './helpers/relative-error.ts';

const fixtures = ['packed-gamma1', 'packed-gamma2', 'packed-alpha1.5', 'legacy-conv1x1', 'dense-blockdiag'];
const TOLERANCE = 1e-5;

function fixture(name: string) {
  const file = readSafetensors(readFileSync(new URL(`./fixtures/${name}.safetensors`, import.meta.url)));
  const entries = Object.entries(file.tensors);
  const params = Object.fromEntries(entries.filter(([k]) => k.startsWith('layers.')));
  const grads = Object.fromEntries(entries.filter(([k]) => k.startsWith('grad.')).map(([k, t]) => [k.slice('grad.'.length), t]));
  return { file, t: file.tensors, params, grads, config: JSON.parse(file.metadata.config) };
}

const worst: Record<string, number> = {};

for (const backend of ['js', 'wasm'] as const) {
  describe(`PyTorch fixtures on ${backend}`, () => {
    for (const name of fixtures) {
      it(name, async () => {
        await bg.init({ backend });
        const { t, params, grads, config, file } = fixture(name);
        expect(file.metadata.layout).toBe(name.startsWith('packed') ? 'packed' : name === 'legacy-conv1x1' ? 'conv1x1' : 'dense');
        const M = config.num_estimators;
        const model = new bg.nn.PackedMLP({
          inFeatures: config.in_features, hiddenFeatures: config.hidden, numClasses: config.num_classes,
          numEstimators: M, alpha: config.alpha, gamma: config.gamma,
        });
        model.loadStateDict(fromTorchUncertainty(model, stateValues(params)).state);

        const x = bg.tensor(t.input.data, t.input.shape);
        const labels = bg.tensor(t.labels.data, t.labels.shape, { dtype: 'i32' });
        expect(t.labels.dtype).toBe('I64');
        const errors: Record<string, number> = {};
        errors.logits = relativeError(await bg.noGrad(() => model.forward(x)).data(), t.logits);
        const perEstimator = model.estimatorLogits(x);
        errors.estimator_logits = relativeError(await perEstimator.data(), t.estimator_logits);
        const loss = bg.crossEntropy(perEstimator, bg.repeat(labels, M));
        loss.backward();
        errors.loss = relativeError([await loss.item()], t.loss);

        const expected = fromTorchUncertainty(model, stateValues(grads)).state;
        const named = model.namedParameters();
        expect(Object.keys(expected).sort()).toEqual(named.map(([k]) => k).sort());
        for (const [key, p] of named) {
          expect(p.grad, key).not.toBeNull();
          expect(p.grad!.shape).toEqual(expected[key].shape);
          errors[`grad ${key}`] = relativeError(await p.grad!.data(), expected[key].data);
        }
        for (const [what, e] of Object.entries(errors)) {
          expect(e, `${name} ${what}`).toBeLessThan(TOLERANCE);
          worst[backend] = Math.max(worst[backend] ?? 0, e);
        }
        model.zeroGrad();
      });
    }
  });
}

afterAll(() => console.log(`largest relative error against PyTorch (float64 reference): ${JSON.stringify(worst)}`));
