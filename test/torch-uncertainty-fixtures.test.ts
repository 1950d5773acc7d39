// Checkpoints written by TorchUncertainty's own code (releases 0.2.2 to 0.8, test/fixtures/torch-uncertainty):
// on every backend each loads as the README shows and through torchUncertaintyMLP, gives the reference
// logits, loss and gradients, and saves back in its own release with the same keys, shapes and bits.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as bg from '../src/index.ts';
import type { SafetensorsTensor } from '../src/io/safetensors.ts';
import { relativeError } from './helpers/relative-error.ts';

const TOLERANCE = 1e-5;
const own = new URL('./fixtures/torch-uncertainty/', import.meta.url);
// The shared fixture folder beside the clone, when there, may hold checkpoints not copied here: they run too.
const shared = new URL('../../shared/fixtures/torch-uncertainty/', import.meta.url);

function fixtureFiles(): Map<string, URL> {
  const files = new Map<string, URL>();
  for (const dir of [shared, own]) {
    if (!existsSync(dir)) continue;
    for (const f of readdirSync(dir)) if (f.endsWith('.model.safetensors')) files.set(f.slice(0, -'.model.safetensors'.length), dir);
  }
  return files;
}

const fixtures = fixtureFiles();

interface Fixture {
  model: Uint8Array;
  ref: Record<string, SafetensorsTensor>;
  config: { in_features: number; hidden: number[]; num_classes: number; num_estimators: number; alpha: number; gamma: number; activation: 'relu' | 'gelu' | 'gelu_tanh' };
}

function fixture(name: string): Fixture {
  const dir = fixtures.get(name)!;
  const file = bg.io.readSafetensors(readFileSync(new URL(`${name}.safetensors`, dir)));
  return { model: readFileSync(new URL(`${name}.model.safetensors`, dir)), ref: file.tensors, config: JSON.parse(file.metadata.config) };
}

/** Logits, loss and every gradient of `model` against the fixture's float32 and float64 references. */
async function expectReference(model: bg.nn.PackedMLP, { ref, config }: Fixture, what: string): Promise<void> {
  const M = config.num_estimators;
  const x = bg.tensor(ref['ref.input'].data as Float32Array, ref['ref.input'].shape);
  const targets = bg.tensor(ref['ref.targets'].data, ref['ref.targets'].shape, { dtype: 'i32' });
  const errors: Record<string, number> = {};
  errors.logits_packed = relativeError(await bg.noGrad(() => model.forward(x)).data(), ref['ref.logits_packed']);
  const logits = model.estimatorLogits(x);
  const loss = bg.crossEntropy(logits, bg.repeat(targets, M));
  loss.backward();
  for (const [tag, prefix, gradPrefix] of [['f32', 'ref.', 'grad.'], ['f64', 'ref64.', 'ref64.grad.']] as const) {
    errors[`${tag} logits`] = relativeError(await logits.data(), ref[`${prefix}logits`]);
    errors[`${tag} loss`] = relativeError([await loss.item()], ref[`${prefix}loss`]);
    // The gradients are stored in the checkpoint's own layout: re-laid out as the parameters are.
    const stored = Object.fromEntries(Object.entries(ref).filter(([k]) => k.startsWith(gradPrefix)).map(([k, t]) => [k.slice(gradPrefix.length), { shape: t.shape, data: t.data as Float32Array }]));
    const grads = bg.io.fromTorchUncertainty(model, stored).state;
    const named = model.namedParameters();
    expect(Object.keys(grads).sort()).toEqual(named.map(([k]) => k).sort());
    for (const [key, p] of named) errors[`${tag} grad ${key}`] = relativeError(await p.grad!.data(), grads[key]);
  }
  for (const [which, e] of Object.entries(errors)) expect(e, `${what}: ${which}`).toBeLessThan(TOLERANCE);
  model.zeroGrad();
}

it('finds the fixtures', () => {
  expect(fixtures.size).toBeGreaterThanOrEqual(10);
});

for (const backend of ['js', 'wasm', 'webgpu'] as const) {
  describe(`TorchUncertainty checkpoints on ${backend}`, () => {
    for (const name of fixtures.keys()) {
      it(name, async () => {
        await bg.init({ backend });
        const f = fixture(name);
        const { config } = f;
        const { activation } = config; // relu, gelu (exact) or gelu_tanh: the names are PyTorch's, as ours

        // The README's way: build the model the checkpoint came from, then load it.
        const model = new bg.nn.PackedMLP({
          inFeatures: config.in_features, hiddenFeatures: config.hidden, numClasses: config.num_classes,
          numEstimators: config.num_estimators, alpha: config.alpha, gamma: config.gamma, activation,
        });
        const report = bg.io.loadTorchUncertainty(model, f.model);
        expect(report).toMatchObject({ missingKeys: [], unexpectedKeys: [], prefix: '' });
        await expectReference(model, f, 'loadTorchUncertainty');

        // Built from the file alone.
        const built = bg.io.torchUncertaintyMLP(f.model, { numEstimators: config.num_estimators, activation });
        expect(built.layers.map((l) => l.weight.shape)).toEqual(model.layers.map((l) => l.weight.shape));
        expect(built.config.gamma).toBe(config.gamma);
        await expectReference(built, f, 'torchUncertaintyMLP');
        const withAlpha = bg.io.torchUncertaintyMLP(f.model, { numEstimators: config.num_estimators, activation, alpha: config.alpha });
        expect(withAlpha.config.hiddenFeatures).toEqual(config.hidden);

        // Saved back in the release it came from: the same keys, shapes and values, bit for bit.
        for (const saved of [await bg.io.saveTorchUncertainty(model), await bg.io.saveTorchUncertainty(built)]) {
          const original = bg.io.readSafetensors(f.model).tensors, back = bg.io.readSafetensors(saved);
          expect(back.metadata.format).toBe('pt');
          expect(Object.keys(back.tensors).sort()).toEqual(Object.keys(original).sort());
          for (const [key, t] of Object.entries(original)) {
            expect(back.tensors[key].dtype, key).toBe(t.dtype);
            expect(back.tensors[key].shape, key).toEqual(t.shape);
            expect(new Uint8Array(back.tensors[key].data.buffer)).toEqual(new Uint8Array(t.data.buffer));
          }
        }
      });
    }
  });
}
