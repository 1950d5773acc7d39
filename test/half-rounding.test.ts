// roundToHalf (the f16 inputs of the block GEMMs) against the bit-exact conversions of src/io/half.ts.
import { describe, expect, it } from 'vitest';
import { floatToHalf, halfToFloat, roundToHalf } from '../src/io/half.ts';

const bitsOf = (values: Float32Array) => new Uint32Array(values.buffer.slice(0));

describe('roundToHalf', () => {
  it('equals halfToFloat(floatToHalf(v)) on every half, the midpoints between neighbours and one f32 ulp either side', () => {
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
    probe.push(0, -0, Infinity, -Infinity, NaN, 65504, 65519.99, 65520, 1e30, 1e-30, 2 ** -25, 2 ** -26, 3 * 2 ** -26);
    const src = Float32Array.from(probe), dst = new Float32Array(src.length);
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
