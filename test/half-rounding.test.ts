// roundToHalf (the f16 inputs of the block GEMMs) against the bit-exact conversions of src/io/half.ts, and
// the wasm kernel that does the same for the wasm backend (both builds) against roundToHalf, bit for bit.
import { describe, expect, it } from 'vitest';
import { compileKernels, type Kernels } from '../src/backend/wasm/module.ts';
import { floatToHalf, halfToFloat, roundToHalf } from '../src/io/half.ts';

const bitsOf = (values: Float32Array) => new Uint32Array(values.buffer.slice(0));

/** Every half, the midpoints between neighbours and one f32 ulp either side, with their negatives, and edge values. */
function probes(): Float32Array {
  const probe: number[] = [];
  const f = new Float32Array(1), u = new Uint32Array(f.buffer);
  for (let h = 0; h < 0x7c00; h++) {
    const lo = halfToFloat(h), hi = halfToFloat(h + 1);
    f[0] = (lo + hi) / 2; // exact in f32: a tie, rounded to the even neighbour
    const mid = u[0];
    for (const bits of [mid - 1, mid, mid + 1]) {
      u[0] = bits;
      probe.push(lo, f[0], -f[0]);
    }
  }
  probe.push(0, -0, Infinity, -Infinity, NaN, 65504, 65519.99, 65520, 1e30, 1e-30, 2 ** -25, 2 ** -26, 3 * 2 ** -26, 0, 0);
  const src = Float32Array.from(probe);
  new Uint32Array(src.buffer).set([0x7fc00001, 0xffa00000], src.length - 2); // two NaN payloads, quiet and signalling
  return src;
}

describe('roundToHalf', () => {
  it('equals halfToFloat(floatToHalf(v)) on every half, the midpoints between neighbours and one f32 ulp either side', () => {
    const src = probes(), dst = new Float32Array(src.length);
    roundToHalf(src, dst);
    const want = src.map((v) => halfToFloat(floatToHalf(v)));
    const [got, exp] = [bitsOf(dst), bitsOf(want)];
    for (let i = 0; i < src.length; i++) {
      if (Number.isNaN(want[i])) expect(Number.isNaN(dst[i])).toBe(true);
      else if (got[i] !== exp[i]) throw new Error(`roundToHalf(${src[i]}) = ${dst[i]}, want ${want[i]}`);
    }
  });

  it('works in place and on views at an offset', () => {
    const buf = Float32Array.from([9, 1 / 3, 70000, -1e-7]);
    roundToHalf(buf.subarray(1), buf.subarray(1));
    expect([...buf]).toEqual([9, halfToFloat(floatToHalf(1 / 3)), Infinity, -halfToFloat(floatToHalf(1e-7))]);
  });
});

describe('the wasm roundHalf kernel', () => {
  it('gives the bits of roundToHalf on every probe (NaN payloads kept), over ranges that are not multiples of 4', async () => {
    const { module } = await compileKernels(false);
    const memory = new WebAssembly.Memory({ initial: 256, maximum: 65536 });
    const k = (await WebAssembly.instantiate(module, { env: { memory } })).exports as unknown as Kernels;
    const src = probes(), n = src.length, x = 1 << 20, out = x + 4 * (n + 8);
    memory.grow(Math.ceil((out + 4 * n) / 65536));
    new Float32Array(memory.buffer, x, n).set(src);
    // three ranges: a scalar head, a vector middle from an unaligned start, a scalar tail
    for (const [start, end] of [[0, 3], [3, n - 2], [n - 2, n]]) k.roundHalf(x, out, start, end);
    const want = new Float32Array(n);
    roundToHalf(src, want);
    const [got, exp] = [new Uint32Array(memory.buffer, out, n), bitsOf(want)];
    for (let i = 0; i < n; i++) {
      if (got[i] !== exp[i]) throw new Error(`roundHalf(${src[i]}) = bits ${got[i].toString(16)}, want ${exp[i].toString(16)}`);
    }
  });
});
