// The op-level suite every backend runs: each op's gradient against central finite differences
// on random shapes including odd sizes.
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import * as bg from '../../src/index.ts';
import type { BackendName } from '../../src/backend/backend.ts';
import { unaryOps, unaryTable } from '../../src/backend/op-table.ts';
import { gradCheck } from './gradcheck.ts';

type Case = [name: string, fn: (...t: bg.Tensor[]) => bg.Tensor, shapes: number[][], positive?: boolean];

const labels7 = () => bg.tensor(Int32Array.from([0, 2, 1, 4, 4, 3, 0]), [7]);

export const opCases: Case[] = [
  ['add broadcast', (a, b) => bg.add(a, b), [[3, 5], [5]]],
  ['add scalar', (a) => bg.add(a, 2.5), [[7]]],
  ['sub broadcast', (a, b) => bg.sub(a, b), [[4, 1, 3], [2, 3]]],
  ['mul broadcast', (a, b) => bg.mul(a, b), [[2, 3, 5], [3, 1]]],
  ['mul scalar', (a) => bg.mul(a, -3), [[5, 3]]],
  ['div broadcast', (a, b) => bg.div(a, b), [[3, 7], [7]], true],
  ['pow', (a) => bg.pow(a, 3), [[9]], true],
  ['maximum', (a, b) => bg.maximum(a, b), [[5, 3], [3]]],
  ['minimum', (a, b) => bg.minimum(a, b), [[5, 3], [5, 1]]],
  // every unary op of the op table, by its public function of the same name
  ...unaryOps.map((op): Case => [op, (a) => bg[op](a), [[1, 13]], unaryTable[op].domain === 'positive']),
  ['gelu', (a) => bg.gelu(a), [[3, 5]]],
  ['gelu tanh', (a) => bg.gelu(a, { approximate: 'tanh' }), [[3, 5]]],
  ['sum all', (a) => bg.sum(a), [[3, 5]]],
  ['sum axes', (a) => bg.sum(a, [0, 2]), [[3, 4, 5]]],
  ['sum keepDims', (a) => bg.sum(a, -1, true), [[3, 5]]],
  ['mean', (a) => bg.mean(a, 1), [[3, 7]]],
  ['max', (a) => bg.max(a, 1), [[4, 9]]],
  ['max all', (a) => bg.max(a), [[17]]],
  ['softmax', (a) => bg.softmax(a), [[3, 7]]],
  ['logSoftmax', (a) => bg.logSoftmax(a), [[5, 3]]],
  ['reshape', (a) => bg.mul(bg.reshape(a, [5, 3]), bg.reshape(a, [5, 3])), [[3, 5]]],
  ['transpose', (a) => bg.transpose(a, [2, 0, 1]), [[2, 3, 5]]],
  ['broadcastTo', (a) => bg.broadcastTo(a, [4, 3, 5]), [[3, 1]]],
  ['slice', (a) => bg.slice(a, 1, 1, 4), [[3, 5]]],
  ['concat', (a, b) => bg.concat([a, b], 1), [[3, 2], [3, 5]]],
  ['rearrangeEstimators', (a) => bg.rearrangeEstimators(a, 3), [[5, 6]]],
  ['blockLinear', (x, w, b) => bg.blockLinear(x, w, b), [[5, 3 * 7], [3, 4, 7], [12]]],
  ['blockLinear relu', (x, w, b) => bg.blockLinear(x, w, b, { activation: 'relu' }), [[9, 2 * 5], [2, 3, 5], [6]]],
  ['blockLinear gelu', (x, w, b) => bg.blockLinear(x, w, b, { activation: 'gelu' }), [[7, 3 * 5], [3, 4, 5], [12]]],
  ['blockLinear gelu_tanh', (x, w, b) => bg.blockLinear(x, w, b, { activation: 'gelu_tanh' }), [[6, 2 * 7], [2, 5, 7], [10]]],
  ['blockLinear no bias', (x, w) => bg.blockLinear(x, w), [[4, 13], [1, 6, 13]]],
  ['linear', (x, w, b) => bg.linear(x, w, b), [[3, 5], [7, 5], [7]]],
  ['crossEntropy', (x) => bg.crossEntropy(x, labels7()), [[7, 5]]],
  ['mse', (a, b) => bg.mse(a, b), [[4, 3], [4, 3]]],
];

/**
 * Registers the op suite for a backend; `setup` makes it current and returns its name. It runs in beforeAll,
 * so a name filter (`vitest -t tanh`) still runs the cases on that backend, and every case checks it does.
 */
export function opSuite(label: string, setup: () => Promise<BackendName>, tol?: number): void {
  describe(`op gradients on ${label}`, () => {
    let selected: BackendName | undefined;
    beforeAll(async () => {
      selected = await setup();
    });
    beforeEach(() => {
      expect(bg.backendName(), `the suite's backend (${label})`).toBe(selected);
    });
    it.each(opCases)('%s', async (name, fn, shapes, positive) => {
      await gradCheck(name, fn, shapes, { positive, tol });
    });
    it('crossEntropy (one node) gives the bits of logSoftmax, one-hot pick, mean and neg composed, loss and gradient', async () => {
      const rng = new bg.Rng(5);
      const [N, C] = [37, 11];
      const values = Float32Array.from({ length: N * C }, () => 4 * rng.normal());
      const labels = bg.tensor(Int32Array.from({ length: N }, () => rng.int(C)), [N]);
      const run = async (loss: (x: bg.Tensor) => bg.Tensor): Promise<[Float32Array, Float32Array]> => {
        const x = bg.tensor(values, [N, C], { requiresGrad: true });
        const l = bg.tidy(() => loss(x));
        l.backward();
        const out: [Float32Array, Float32Array] = [(await l.data()) as Float32Array, (await x.grad!.data()) as Float32Array];
        for (const t of [l, x.grad!, x]) t.dispose();
        return out;
      };
      const fused = await run((x) => bg.crossEntropy(x, labels));
      const composed = await run((x) => bg.neg(bg.mean(bg.sum(bg.mul(bg.logSoftmax(x), bg.oneHot(labels, C)), -1))));
      expect(fused[0]).toEqual(composed[0]);
      expect(fused[1]).toEqual(composed[1]);
      labels.dispose();
    });
  });
  describe(`fused GELUs on ${label}`, () => {
    it.each([['gelu', 'none'], ['gelu_tanh', 'tanh']] as const)('blockLinear %s equals gelu(approximate: %s) after the layer: values and every gradient', async (activation, approximate) => {
      await setup();
      const rng = new bg.Rng(10);
      const data = [[5, 3 * 9], [3, 4, 9], [12]].map((s) => ({ s, v: Float32Array.from({ length: s.reduce((p, q) => p * q) }, () => rng.normal()) }));
      const leaves = () => data.map(({ s, v }) => bg.tensor(v, s, { requiresGrad: true }));
      const [x, w, b] = leaves(), [x2, w2, b2] = leaves();
      const R = bg.randn([5, 12], { rng });
      const fused = bg.blockLinear(x, w, b, { activation });
      const composed = bg.gelu(bg.blockLinear(x2, w2, b2), { approximate });
      bg.sum(bg.mul(fused, R)).backward();
      bg.sum(bg.mul(composed, R)).backward();
      const pairs: [string, bg.Tensor, bg.Tensor][] = [['y', fused, composed], ['dx', x.grad!, x2.grad!], ['dW', w.grad!, w2.grad!], ['db', b.grad!, b2.grad!]];
      for (const [what, p, q] of pairs) {
        const [a, c] = [await p.data(), await q.data()];
        const scale = Math.max(...Array.from(c, Math.abs));
        const err = Math.max(...Array.from(a, (v, i) => Math.abs(v - c[i])));
        expect(err / scale, `${activation} ${what}`).toBeLessThan(1e-5);
      }
    });
  });
}
