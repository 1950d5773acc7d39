// Training lowers the loss (the command line is tested in cli.test.ts).
import { describe, expect, it } from 'vitest';
import { init } from '../src/index.ts';
import { trainPackedMLP, defaultTrainConfig } from '../app/training.ts';
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
