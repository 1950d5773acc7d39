// Both conv fixture sets on one backend: TorchUncertainty's own runs (test/fixtures/torch-uncertainty-conv: logits
// in train and eval mode, loss, every gradient, the BatchNorm running statistics) and PyTorch's ops one by one
// (test/fixtures/torch-conv), each within 1e-5 relative.
import { afterAll, describe, expect, it } from 'vitest';
import * as bg from '../../src/index.ts';
import { replayConvFixture } from './tu-conv-fixture.ts';
import { replayTorchConvCase, torchConvCases } from './torch-conv-case.ts';

export const tuConvFixtures = ['head-conv-only', 'v0.4.3-conv-only', 'head-conv-pad', 'head-lenet-g1-in4', 'head-resnet18-cifar-narrow'];
const TOLERANCE = 1e-5;

export function convFixtureSuite(backend: bg.BackendName): void {
  const worst: Record<string, number> = {};
  describe(`conv fixtures on ${backend}`, () => {
    it.each(tuConvFixtures)('TorchUncertainty %s', async (name) => {
      await bg.init({ backend });
      for (const [what, err] of Object.entries(await replayConvFixture(name))) {
        worst[name] = Math.max(worst[name] ?? 0, err);
        expect(err, `${name} ${what}`).toBeLessThan(TOLERANCE);
      }
    }, backend === 'webgpu' ? 900_000 : 300_000); // SwiftShader runs the ResNet's ~2000 dispatches on the CPU

    it.each(torchConvCases)('PyTorch op %s', async (name) => {
      await bg.init({ backend });
      for (const [what, err] of Object.entries(await replayTorchConvCase(name))) {
        worst['PyTorch ops'] = Math.max(worst['PyTorch ops'] ?? 0, err);
        expect(err, `${name} ${what}`).toBeLessThan(TOLERANCE);
      }
    });
  });
  afterAll(() => console.log(`${backend}: worst relative error per fixture`, worst));
}
