// PyTorch's two GELUs: the exact one against the Gaussian CDF to f32 precision, the tanh one against its
// formula, and their names (nn.GELU's approximate, PackedMLP's 'gelu' / 'gelu_tanh').
import { describe, expect, it } from 'vitest';
import * as bg from '../src/index.ts';

// Φ(z) = erfc(−z/√2)/2 by Python's math.erfc (double precision).
const PHI: [number, number][] = [
  [-10, 7.6198530241604696e-24], [-5, 2.8665157187919391e-7], [-3, 0.0013498980316300946], [-1, 0.15865525393145705],
  [-0.1, 0.46017216272297101], [0, 0.5], [1e-3, 0.50039894221391998], [0.5, 0.69146246127401311],
  [1, 0.84134474606854293], [2.5, 0.99379033467422384], [6, 0.99999999901341288],
];

describe('GELU', () => {
  it('gelu is PyTorch\'s exact x·Φ(x) by default and its tanh approximation when asked, on f32 tensors', async () => {
    await bg.init({ backend: 'js' });
    const z = PHI.map(([v]) => v);
    const exact = bg.gelu(bg.tensor(z)).dataSync();
    // 0.5·x·(1 + erf(x/√2)) in f32, as PyTorch forms it: the negative tail cancels to 0 as in PyTorch
    PHI.forEach(([v, phi], i) => expect(Math.abs(exact[i] - v * phi), `gelu(${v})`).toBeLessThanOrEqual(2e-7 * Math.max(1, Math.abs(v))));
    const tanhed = bg.gelu(bg.tensor(z), { approximate: 'tanh' }).dataSync();
    z.forEach((v, i) => expect(tanhed[i]).toBeCloseTo(0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v ** 3))), 6));
    expect(Math.abs(exact[8] - tanhed[8])).toBeGreaterThan(1e-4); // they differ (by 1.5e-4 at 1)
    expect(() => bg.gelu(bg.tensor(z), { approximate: 'erf' as 'none' })).toThrow("gelu: approximate must be 'none' or 'tanh', got 'erf'");
    expect([...new bg.nn.GELU().forward(bg.tensor(z)).dataSync()]).toEqual([...exact]);
    expect([...new bg.nn.GELU('tanh').forward(bg.tensor(z)).dataSync()]).toEqual([...tanhed]);
  });

  it('PackedMLP fuses the GELU its activation names', async () => {
    await bg.init({ backend: 'js' });
    const x = bg.randn([4, 6], { rng: new bg.Rng(2) });
    for (const [activation, approximate] of [['gelu', 'none'], ['gelu_tanh', 'tanh']] as const) {
      const model = new bg.nn.PackedMLP({ inFeatures: 6, hiddenFeatures: [8], numClasses: 3, numEstimators: 2, activation, rng: new bg.Rng(1) });
      const [first, last] = model.layers;
      const composed = last.forward(bg.gelu(bg.blockLinear(x, first.weight, first.bias), { approximate }));
      const fused = model.forward(x);
      const err = Math.max(...Array.from(fused.dataSync(), (v, i) => Math.abs(v - composed.dataSync()[i])));
      expect(err).toBeLessThan(1e-6);
    }
  });
});
