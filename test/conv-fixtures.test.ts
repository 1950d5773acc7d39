// TorchUncertainty's own conv runs (test/fixtures/torch-uncertainty-conv): logits in train and eval mode, the loss,
// every gradient and the BatchNorm running statistics within 1e-5 relative; and PyTorch's conv, pooling and
// normalisation ops one by one (test/fixtures/torch-conv, scripts/torch-conv-fixtures.py).
import { afterAll, describe, expect, it } from 'vitest';
import * as bg from '../src/index.ts';
import { replayConvFixture } from './helpers/tu-conv-fixture.ts';
import { replayTorchConvCase, torchConvCases } from './helpers/torch-conv-case.ts';

const fixtures = ['head-conv-only', 'v0.4.3-conv-only', 'head-conv-pad', 'head-lenet-g1-in4', 'head-resnet18-cifar-narrow'];
const TOLERANCE = 1e-5;
const worst: Record<string, number> = {};

for (const backend of ['js', 'wasm'] as const) {
  describe(`TorchUncertainty conv fixtures on ${backend}`, () => {
    it.each(fixtures)('%s', async (name) => {
      await bg.init({ backend });
      const errors = await replayConvFixture(name);
      for (const [what, err] of Object.entries(errors)) {
        worst[`${backend} ${name}`] = Math.max(worst[`${backend} ${name}`] ?? 0, err);
        expect(err, `${name} ${what}`).toBeLessThan(TOLERANCE);
      }
    }, 120_000);

    it.each(torchConvCases)('PyTorch op %s', async (name) => {
      await bg.init({ backend });
      for (const [what, err] of Object.entries(await replayTorchConvCase(name))) {
        worst[`${backend} ops`] = Math.max(worst[`${backend} ops`] ?? 0, err);
        expect(err, `${name} ${what}`).toBeLessThan(TOLERANCE);
      }
    });
  });
}

afterAll(() => {
  console.log('worst relative error per fixture:', worst);
});
