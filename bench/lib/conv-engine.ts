// This engine's side of the conv benchmark: nn.PackedResNet (arch 18, CIFAR stem) forward in eval mode
// under noGrad, one Adam training step in train mode (as `npm start` trains), and single grouped
// convolutions (forward, and forward+backward: gradients of the input and the weight).
import * as bg from '../../src/index.ts';
import { convBatch, type ConvModel } from './conv-model.ts';
import { adamWorkload, type TrainingWorkload } from './training-engine.ts';
import type { Pass } from './types.ts';

export function engineResNet(m: ConvModel): bg.nn.PackedResNet {
  return new bg.nn.PackedResNet({
    arch: 18, inChannels: m.inChannels, numClasses: m.classes, numEstimators: m.numEstimators, alpha: m.alpha, gamma: 1,
    style: 'cifar', widthMultiplier: m.widthMultiplier,
  });
}

/** Forward passes on a fixed batch, each ending with the logits read back. */
export function engineConvForward(m: ConvModel): { step(): Promise<void>; dispose(): void } {
  const model = engineResNet(m).eval();
  const x = bg.tensor(convBatch(m).x, [m.batch, m.inChannels, m.size, m.size]);
  return {
    async step() {
      const logits = bg.noGrad(() => model.estimatorLogits(x));
      await logits.data();
      logits.dispose();
    },
    dispose() {
      for (const t of [...Object.values(model.stateDict()), x]) t.dispose();
    },
  };
}

export function engineConvTraining(m: ConvModel): TrainingWorkload {
  const model = engineResNet(m).train();
  return adamWorkload(model, () => Object.values(model.stateDict()), convBatch(m), [m.batch, m.inChannels, m.size, m.size], m);
}

/** One grouped 3x3 convolution (padding 1, stride 1, no bias) of the grid: batch × channels × size². */
export interface ConvPoint {
  batch: number;
  channels: number;
  size: number;
  groups: number;
}

/** Useful FLOPs of the forward: 2 · batch · size² · channels · channels/groups · 9 (forward+backward: 3x). */
export const convFlops = (p: ConvPoint): number => 2 * p.batch * p.size ** 2 * p.channels * (p.channels / p.groups) * 9;

export function engineConvLayer(p: ConvPoint): { step(pass: Pass): Promise<void>; peakBytes(): Promise<number>; dispose(): void } {
  const rng = new bg.Rng(p.channels * 31 + p.groups);
  const x = bg.randn([p.batch, p.channels, p.size, p.size], { rng, requiresGrad: true });
  const w = bg.randn([p.channels, p.channels / p.groups, 3, 3], { rng, requiresGrad: true });
  const dy = bg.randn([p.batch, p.channels, p.size, p.size], { rng });
  const options = { padding: 1, groups: p.groups };
  const run = async (pass: Pass, probe?: (bytes: number) => void): Promise<void> => {
    if (pass === 'forward') {
      const y = bg.noGrad(() => bg.conv2d(x, w, null, options));
      await y.data();
      y.dispose();
      return;
    }
    bg.tidy(() => {
      bg.sum(bg.mul(bg.conv2d(x, w, null, options), dy)).backward();
      probe?.(bg.memory().bytes);
    });
    await w.grad!.data();
    for (const t of [x, w]) {
      t.grad?.dispose();
      t.grad = null;
    }
  };
  return {
    step: (pass) => run(pass),
    async peakBytes() {
      let peak = 0;
      await run('forward+backward', (bytes) => (peak = bytes));
      return peak;
    },
    dispose() {
      for (const t of [x, w, dy]) t.dispose();
    },
  };
}
