// The conv/pool/norm op cases every backend runs: gradients against central finite differences at odd sizes,
// channel counts that are not multiples of 4, strides larger than the kernel, dilation and padding.
import { describe, it } from 'vitest';
import * as bg from '../../src/index.ts';
import { gradCheck } from './gradcheck.ts';

type Case = [name: string, fn: (...t: bg.Tensor[]) => bg.Tensor, shapes: number[][], eps?: number];

export const convOpCases: Case[] = [
  ['conv2d padding 1', (x, w, b) => bg.conv2d(x, w, b, { padding: 1 }), [[2, 3, 7, 5], [5, 3, 3, 2], [5]]],
  ['conv2d groups 3, stride > kernel, dilation', (x, w, b) => bg.conv2d(x, w, b, { groups: 3, stride: [3, 4], padding: [1, 0], dilation: [2, 1] }), [[2, 6, 9, 10], [9, 2, 2, 3], [9]]],
  ['conv2d depthwise, no bias', (x, w) => bg.conv2d(x, w, null, { groups: 5, stride: 2, padding: 2, dilation: 2 }), [[1, 5, 8, 7], [5, 1, 3, 3]]],
  ['conv2d 1x1', (x, w) => bg.conv2d(x, w), [[3, 7, 3, 2], [2, 7, 1, 1]]],
  ['conv1d groups 5, stride 2', (x, w, b) => bg.conv1d(x, w, b, { groups: 5, stride: 2, padding: 2 }), [[3, 5, 11], [10, 1, 3], [10]]],
  ['maxPool2d 3/2/1', (x) => bg.maxPool2d(x, 3, { stride: 2, padding: 1 }), [[2, 3, 7, 9]], 1e-3],
  ['maxPool2d stride > kernel, ceil, dilation', (x) => bg.maxPool2d(x, [2, 3], { stride: [3, 2], dilation: [2, 1], ceilMode: true }), [[1, 5, 11, 8]], 1e-3],
  ['avgPool2d padded, counting the padding', (x) => bg.avgPool2d(x, 3, { stride: 2, padding: 1 }), [[2, 3, 7, 6]]],
  ['avgPool2d padded, valid part, ceil', (x) => bg.avgPool2d(x, [3, 2], { stride: [2, 3], padding: [1, 1], countIncludePad: false, ceilMode: true }), [[1, 5, 8, 7]]],
  ['adaptiveAvgPool2d uneven windows', (x) => bg.adaptiveAvgPool2d(x, [3, 2]), [[2, 3, 7, 5]]],
  ['adaptiveAvgPool2d global', (x) => bg.adaptiveAvgPool2d(x, 1), [[2, 5, 3, 3]]],
  ['batchNorm training', (x, w, b) => bg.batchNorm(x, null, null, { weight: w, bias: b, training: true }), [[4, 3, 5, 3], [3], [3]]],
  ['batchNorm eval', (x, w, b, m, v) => bg.batchNorm(x, m, bg.abs(v), { weight: w, bias: b }), [[3, 5, 2, 3], [5], [5], [5], [5]]],
  ['groupNorm', (x, w, b) => bg.groupNorm(x, 3, w, b), [[3, 6, 4, 5], [6], [6]]],
  ['dropout (seeded mask)', (x) => bg.dropout(x, 0.3, { rng: new bg.Rng(5) }), [[4, 7]]],
  ['dropout2d (seeded mask)', (x) => bg.dropout2d(x, 0.4, { rng: new bg.Rng(6) }), [[3, 5, 2, 3]]],
  ['flatten', (x) => bg.mul(bg.flatten(x, 1), bg.flatten(x, 1)), [[2, 3, 4, 5]]],
];

/** Registers the conv op cases for a backend; `setup` makes it current. */
export function convOpSuite(label: string, setup: () => Promise<void>, tol?: number): void {
  describe(`conv op gradients on ${label}`, () => {
    it('selects the backend', setup);
    it.each(convOpCases)('%s', async (name, fn, shapes, eps) => {
      await gradCheck(name, fn, shapes, { tol, eps });
    });
  });
}
