// The packed LeNet learns Fashion-MNIST (Debian's dataset-fashion-mnist, which .ci/run installs) on the
// wasm backend, and `npm start -- --model packed-lenet` trains, reports and saves it. Sized for a 2-core
// machine: a few thousand images, a few epochs; the floors are far below what full training reaches.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { init, loadModel } from '../src/index.ts';
import { defaultLeNetConfig, evaluate, trainPackedLeNet } from '../app/training.ts';
import { subset } from '../app/data/digits.ts';
import { loadFashionMnist } from '../app/cli/load-fashion-mnist.ts';

const tsx = ['node_modules/.bin/tsx', 'app/cli/train.ts'];
const first = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('packed LeNet on Fashion-MNIST', () => {
  it('learns from 3,000 training images in 3 epochs on wasm', async () => {
    await init({ backend: 'wasm', threads: 2 });
    const { train, test } = loadFashionMnist();
    const small = subset(train, first(3000)), held = subset(test, first(1000));
    expect(small.shape).toEqual([1, 28, 28]);
    const { model, history } = await trainPackedLeNet(small, held, { ...defaultLeNetConfig, epochs: 3, batchSize: 32 });
    expect(history.map((h) => h.epoch)).toEqual([1, 2, 3]);
    expect(history[2].loss).toBeLessThan(history[0].loss);
    const result = await evaluate(model, held);
    expect(result.accuracy).toBeGreaterThan(0.7); // chance is 0.1; full training reaches above 0.9
    expect(result.accuracy).toBeGreaterThanOrEqual(result.singleEstimator.accuracy - 0.02);
    expect(model.training).toBe(false);
  }, 600_000);
});

describe('npm start -- --model packed-lenet', () => {
  it('trains on the bundled subset (--data-dir), prints accuracy, NLL, ECE, mutual information and the OOD AUROC, and saves a model that loads back', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'blockgrad-')), 'lenet.safetensors');
    const args = ['--model', 'packed-lenet', '--data-dir', 'data/fashion-mnist-subset', '--epochs', '2', '--batch-size', '32', '--backend', 'wasm', '--threads', '2', '--json', '--save', file];
    const out = execFileSync(tsx[0], [tsx[1], ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const result = JSON.parse(out.trim());
    expect(result).toMatchObject({ model: 'packed-lenet', data: 'fashion-mnist', epochs: 2, backend: 'wasm' });
    for (const k of ['accuracy', 'nll', 'ece', 'brier', 'entropy', 'mutualInformation', 'disagreement']) expect(result.test[k], k).toBeTypeOf('number');
    expect(result.test.accuracy).toBeGreaterThan(0.5);
    expect(result.ood).toMatchObject({ set: 'digits 28x28', n: 1797 });
    expect(result.ood.auroc).toBeGreaterThanOrEqual(0);
    expect(result.ood.auroc).toBeLessThanOrEqual(1);
    const loaded = loadModel(new Uint8Array(readFileSync(file)));
    expect(loaded.architecture).toBe('PackedLeNet');
    expect(loaded.config).toMatchObject({ inChannels: 1, numClasses: 10, numEstimators: 4, alpha: 2 });
    const { test } = loadFashionMnist('data/fashion-mnist-subset');
    expect((await evaluate(loaded.model, test)).accuracy).toBeCloseTo(result.test.accuracy, 6);
  }, 600_000);
});
