// Training lowers the loss, and `npm start` (the CLI) prints what it promises.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { init, nn } from '../src/index.ts';
import { trainPackedMLP, defaultTrainConfig, evaluate } from '../app/training.ts';
import { loadTorchUncertainty } from '../src/io/torch-uncertainty/index.ts';
import { readSafetensors } from '../src/io/safetensors.ts';
import { subset, trainTestSplit } from '../app/data/digits.ts';
import { loadDigits } from '../app/cli/load-digits.ts';

describe('training', () => {
  it('lowers the loss and learns digits', async () => {
    await init({ backend: 'js' });
    const { train, test } = trainTestSplit(loadDigits(), 0.2, 42);
    const small = subset(train, Array.from({ length: 400 }, (_, i) => i));
    const { history, model } = await trainPackedMLP(small, test, { ...defaultTrainConfig, epochs: 6, hidden: [64], lr: 1e-2, batchSize: 32 });
    expect(history).toHaveLength(6);
    expect(history[5].loss).toBeLessThan(history[0].loss * 0.5);
    expect(history[5].testAccuracy).toBeGreaterThan(0.6);
    expect(model.numEstimators).toBe(4);
  });

  it('trains at precision f16 (AMP with a GradScaler) to the accuracy of f32', async () => {
    await init({ backend: 'wasm' });
    const { train, test } = trainTestSplit(loadDigits(), 0.2, 42);
    const config = { ...defaultTrainConfig, epochs: 6, hidden: [64] };
    const accuracy: Record<string, number> = {};
    for (const precision of ['f32', 'f16'] as const) {
      const { history } = await trainPackedMLP(train, test, { ...config, precision });
      accuracy[precision] = history.at(-1)!.testAccuracy;
    }
    expect(accuracy.f32, JSON.stringify(accuracy)).toBeGreaterThan(0.85);
    expect(Math.abs(accuracy.f16 - accuracy.f32)).toBeLessThan(0.02);
  });

  it('splits digits reproducibly', () => {
    const data = loadDigits();
    expect(data.n).toBe(1797);
    const a = trainTestSplit(data, 0.2, 42), b = trainTestSplit(data, 0.2, 42);
    expect(a.test.n).toBe(359);
    expect([...a.test.y.slice(0, 20)]).toEqual([...b.test.y.slice(0, 20)]);
  });
});

const tsx = ['node_modules/.bin/tsx', 'app/cli/train.ts'];

describe('npm start', () => {
  it('--json prints one JSON object with backend, epochs, seconds and test metrics', () => {
    const out = execFileSync(tsx[0], [tsx[1], '--epochs', '1', '--hidden', '32', '--backend', 'js', '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const result = JSON.parse(out.trim());
    expect(result.backend).toBe('js');
    expect(result.epochs).toBe(1);
    expect(result.seconds).toBeGreaterThan(0);
    for (const k of ['accuracy', 'nll', 'ece']) expect(result.test[k]).toBeTypeOf('number');
    expect(result.test.accuracy).toBeGreaterThan(0.3);
  });

  it('--json adds Brier, uncertainty and noise-image metrics; --save writes a model (GELU here) that loads back', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'blockgrad-')), 'model.safetensors');
    const out = execFileSync(tsx[0], [tsx[1], '--epochs', '3', '--hidden', '32', '--backend', 'js', '--activation', 'gelu', '--json', '--save', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    const result = JSON.parse(out.trim());
    for (const k of ['brier', 'entropy', 'mutualInformation', 'disagreement']) expect(result.test[k]).toBeTypeOf('number');
    for (const k of ['accuracy', 'nll', 'ece', 'brier']) expect(result.singleEstimator[k]).toBeTypeOf('number');
    expect(result.noise.entropy).toBeGreaterThan(result.test.entropy); // less sure on noise than on digits
    await init({ backend: 'js' });
    const bytes = readFileSync(file);
    const config = JSON.parse(readSafetensors(bytes).metadata.config);
    expect(config.activation).toBe('gelu');
    const model = new nn.PackedMLP(config);
    loadTorchUncertainty(model, bytes);
    const { test } = trainTestSplit(loadDigits(), 0.2, 42);
    expect((await evaluate(model, test)).accuracy).toBe(result.test.accuracy);
  });

  it('--help lists the options', () => {
    const out = execFileSync(tsx[0], [tsx[1], '--help'], { encoding: 'utf8' });
    for (const opt of ['--epochs', '--estimators', '--batch-size', '--lr', '--seed', '--backend', '--activation', '--json', '--save']) expect(out).toContain(opt);
  });

  it('rejects bad options with a clear message', () => {
    const r = spawnSync(tsx[0], [tsx[1], '--epochs', 'ten'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("--epochs must be an integer >= 1, got 'ten'");
    const a = spawnSync(tsx[0], [tsx[1], '--activation', 'tanh'], { encoding: 'utf8' });
    expect(a.status).toBe(1);
    expect(a.stderr).toContain("--activation must be relu or gelu, got 'tanh'");
  });
});
