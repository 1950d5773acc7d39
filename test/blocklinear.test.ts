// blockLinear against the dense layer with its block-diagonal matrix materialised, and the layout helpers.
import { describe, expect, it } from 'vitest';
import * as bg from '../src/index.ts';

const { packedToDense, denseToPacked } = bg.layout;

function close(a: ArrayLike<number>, b: ArrayLike<number>, tol = 1e-4): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i] - b[i]), `at ${i}: ${a[i]} vs ${b[i]}`).toBeLessThanOrEqual(tol * (1 + Math.abs(b[i])));
}

describe('blockLinear', () => {
  it.each([
    [1, 1, 1, 1],
    [5, 3, 7, 4],
    [17, 4, 9, 13],
    [2, 16, 3, 5],
  ])('equals linear with the dense block-diagonal weight (B=%i, G=%i, I=%i, O=%i), values and gradients', async (B, G, I, O) => {
    const rng = new bg.Rng(B * 100 + G);
    const x = bg.randn([B, G * I], { rng, requiresGrad: true });
    const w = bg.randn([G, O, I], { rng, requiresGrad: true });
    const b = bg.randn([G * O], { rng, requiresGrad: true });
    const dense = bg.tensor(packedToDense(w.dataSync() as Float32Array, G, O, I), [G * O, G * I], { requiresGrad: true });
    const x2 = bg.tensor(x.dataSync(), [B, G * I], { requiresGrad: true });
    const b2 = bg.tensor(b.dataSync(), [G * O], { requiresGrad: true });
    const seed = bg.randn([B, G * O], { rng });

    const y = bg.blockLinear(x, w, b);
    const yDense = bg.linear(x2, dense, b2);
    close(y.dataSync(), yDense.dataSync());
    y.backward(seed);
    yDense.backward(seed);
    close(x.grad!.dataSync(), x2.grad!.dataSync());
    close(b.grad!.dataSync(), b2.grad!.dataSync());
    // the dense gradient restricted to the blocks is the packed gradient
    const denseGrad = dense.grad!.dataSync() as Float32Array;
    close(w.grad!.dataSync(), denseToPackedLoose(denseGrad, G, O, I));
  });

  it('with G = 1 equals linear on the same [O, I] weight', () => {
    const rng = new bg.Rng(5);
    const x = bg.randn([6, 11], { rng });
    const w = bg.randn([7, 11], { rng });
    const bias = bg.randn([7], { rng });
    close(bg.blockLinear(x, bg.reshape(w, [1, 7, 11]), bias).dataSync(), bg.linear(x, w, bias).dataSync(), 0);
  });

  it('fused ReLU equals relu after the layer', () => {
    const rng = new bg.Rng(9);
    const x = bg.randn([4, 6], { rng }), w = bg.randn([2, 5, 3], { rng }), bias = bg.randn([10], { rng });
    close(bg.blockLinear(x, w, bias, { activation: 'relu' }).dataSync(), bg.relu(bg.blockLinear(x, w, bias)).dataSync(), 0);
  });

  it('fused GELU equals gelu after the layer, values and every gradient, and frees its pre-activation', () => {
    const rng = new bg.Rng(10);
    const leaves = () => [bg.randn([5, 9], { rng }), bg.randn([3, 4, 3], { rng }), bg.randn([12], { rng })].map((t) => {
      t.requiresGrad = true;
      return t;
    });
    const [x, w, bias] = leaves();
    const [x2, w2, bias2] = [x, w, bias].map((t) => {
      const c = bg.tensor(t.dataSync(), t.shape);
      c.requiresGrad = true;
      return c;
    });
    const before = bg.memory().tensors;
    bg.tidy(() => bg.sum(bg.blockLinear(x, w, bias, { activation: 'gelu' })).backward());
    bg.tidy(() => bg.sum(bg.gelu(bg.blockLinear(x2, w2, bias2))).backward());
    expect(bg.memory().tensors).toBe(before + 6); // the six gradients; no pre-activation left behind
    bg.tidy(() => close(bg.blockLinear(x, w, bias, { activation: 'gelu' }).dataSync(), bg.gelu(bg.blockLinear(x2, w2, bias2)).dataSync(), 1e-6));
    for (const [a, b] of [[x, x2], [w, w2], [bias, bias2]]) close(a.grad!.dataSync(), b.grad!.dataSync(), 1e-5);
    expect(() => bg.blockLinear(x, w, bias, { activation: 'tanh' as 'gelu' })).toThrow(/activation must be 'none', 'relu', 'gelu' or 'gelu_tanh', got 'tanh'/);
  });
});

/** Takes the diagonal blocks of a dense matrix, ignoring what lies off them. */
function denseToPackedLoose(dense: Float32Array, G: number, O: number, I: number): Float32Array {
  const out = new Float32Array(G * O * I);
  for (let g = 0; g < G; g++) for (let o = 0; o < O; o++) for (let i = 0; i < I; i++) out[(g * O + o) * I + i] = dense[(g * O + o) * G * I + g * I + i];
  return out;
}

describe('layout', () => {
  it('dense <-> packed round trip, refusing a matrix that is not block-diagonal', () => {
    const packed = Float32Array.from({ length: 3 * 2 * 4 }, (_, i) => i + 1);
    const dense = packedToDense(packed, 3, 2, 4);
    expect(dense.length).toBe(6 * 12);
    expect([...denseToPacked(dense, 3, 2, 4)]).toEqual([...packed]);
    dense[5] = 1; // row 0, column 5: block 1
    expect(() => denseToPacked(dense, 3, 2, 4)).toThrow(/not block-diagonal with 3 blocks \(row 0, column 5 is 1\)/);
  });
});
