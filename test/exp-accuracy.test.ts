// The wasm kernels' e^x (exp4 in assembly/exp.ts, behind the elementwise exp and sigmoid and softmax; tanh and erf
// share its polynomial) against e^x rounded to f32, over a sweep of f32 bit patterns covering every exponent from
// −104 to 89: within 1 ulp, as PyTorch's vectorised CPU exp; and the edges (±Inf, NaN, overflow, underflow through
// the subnormals).
import { describe, expect, it } from 'vitest';
import type { Backend } from '../src/backend/backend.ts';
import { ulpDistance } from './helpers/torch-reference.ts';
import { wasmBackends } from './helpers/wasm-backends.ts';

const wasm = wasmBackends();

/** Every `step`-th f32 bit pattern of each sign whose value lies in [lo, hi]. */
function sweep(step: number, lo: number, hi: number): Float32Array {
  const bits = new Uint32Array(1), f = new Float32Array(bits.buffer), out: number[] = [];
  for (let b = 0; b < 0x7f800000; b += step) {
    for (const sign of [0, 0x80000000]) {
      bits[0] = (b | sign) >>> 0;
      if (f[0] >= lo && f[0] <= hi) out.push(f[0]);
    }
  }
  return Float32Array.from(out);
}

async function unary(b: Backend, op: 'exp' | 'sigmoid', x: Float32Array): Promise<Float32Array> {
  const sx = b.alloc(x.length, 'f32'), sy = b.alloc(x.length, 'f32');
  b.upload(sx, x);
  b.unary(op, sx, sy);
  const y = (await b.download(sy)) as Float32Array;
  b.free(sx);
  b.free(sy);
  return y;
}

/** The largest ulp distance of got from want(x) rounded to f32, and where. */
function worst(x: Float32Array, got: Float32Array, want: (v: number) => number): { ulps: number; at: number } {
  let ulps = 0, at = NaN;
  x.forEach((v, i) => {
    const d = ulpDistance(got[i], Math.fround(want(v)));
    if (d > ulps) [ulps, at] = [d, v];
  });
  return { ulps, at };
}

describe('wasm exp and sigmoid accuracy', () => {
  const x = sweep(997, -104, 89);

  it.each([1, 2])('exp is within 1 ulp of e^x rounded to f32 over every exponent, on %i thread(s)', async (threads) => {
    expect(x.length).toBeGreaterThan(2_000_000);
    const got = await unary(await wasm({ threads }), 'exp', x);
    const { ulps, at } = worst(x, got, Math.exp);
    expect(ulps, `worst at x = ${at}`).toBeLessThanOrEqual(1);
  });

  it('sigmoid is within 2 ulps of 1 / (1 + e^−x) rounded to f32 down to x = −87, and under 2^−126 below (e^−x overflows there)', async () => {
    const b = await wasm({ threads: 1 }), sigmoid = (v: number): number => 1 / (1 + Math.exp(-v));
    const normal = x.filter((v) => v >= -87), far = x.filter((v) => v < -87);
    const { ulps, at } = worst(normal, await unary(b, 'sigmoid', normal), sigmoid);
    expect(ulps, `worst at x = ${at}`).toBeLessThanOrEqual(2);
    const tiny = await unary(b, 'sigmoid', far);
    far.forEach((v, i) => expect(Math.abs(tiny[i] - sigmoid(v)), `sigmoid(${v})`).toBeLessThan(2 ** -126));
  });

  it('gives exp\'s edges: 0 at −Inf and far below, +Inf at +Inf and past 88.72, NaN for NaN, 1 at ±0, subnormals within 1 ulp', async () => {
    const edges = Float32Array.of(-Infinity, -1e30, -104, -103.9, -100, -90, -87.5, 88.72, 88.73, 89, 1e30, Infinity, NaN, 0, -0);
    const got = await unary(await wasm({ threads: 1 }), 'exp', edges);
    edges.forEach((v, i) => expect(ulpDistance(got[i], Math.fround(Math.exp(v))), `exp(${v}) = ${got[i]}`).toBeLessThanOrEqual(1));
    expect([got[0], got[1], got[10], got[11]]).toEqual([0, 0, Infinity, Infinity]);
    expect(got[12]).toBeNaN();
    expect([got[13], got[14]]).toEqual([1, 1]);
  });
});
