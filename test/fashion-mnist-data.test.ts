// Fashion-MNIST's idx files: the reader on made-up files (every type code, every malformation), the real
// files of Debian's dataset-fashion-mnist (.ci/run installs it), and the digits upsampled as the OOD set.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseIdx } from '../app/data/idx.ts';
import { FASHION_MNIST_FILES, imagesAndLabels } from '../app/data/fashion-mnist.ts';
import { resizeBilinear } from '../app/data/resize.ts';
import { loadFashionMnist } from '../app/cli/load-fashion-mnist.ts';

/** An idx file: magic, big-endian dims, then the values written by `put` (big-endian). */
function idx(type: number, shape: number[], bytesPer: number, values: number[], put: (v: DataView, at: number, x: number) => void): Uint8Array {
  const start = 4 + 4 * shape.length, out = new Uint8Array(start + values.length * bytesPer), v = new DataView(out.buffer);
  out[2] = type;
  out[3] = shape.length;
  shape.forEach((s, d) => v.setUint32(4 + 4 * d, s));
  values.forEach((x, i) => put(v, start + i * bytesPer, x));
  return out;
}
const u8 = (shape: number[], values: number[]) => idx(0x08, shape, 1, values, (v, at, x) => v.setUint8(at, x));

describe('idx files', () => {
  it('reads every type code big-endian, with its shape', () => {
    expect(parseIdx(u8([2, 3], [0, 1, 2, 253, 254, 255]))).toEqual({ shape: [2, 3], data: Uint8Array.from([0, 1, 2, 253, 254, 255]) });
    expect([...parseIdx(idx(0x09, [2], 1, [-128, 127], (v, at, x) => v.setInt8(at, x))).data]).toEqual([-128, 127]);
    expect([...parseIdx(idx(0x0b, [2], 2, [-2, 300], (v, at, x) => v.setInt16(at, x))).data]).toEqual([-2, 300]);
    expect([...parseIdx(idx(0x0c, [1, 2], 4, [-70000, 1 << 30], (v, at, x) => v.setInt32(at, x))).data]).toEqual([-70000, 1 << 30]);
    expect([...parseIdx(idx(0x0d, [2], 4, [1.5, -0.25], (v, at, x) => v.setFloat32(at, x))).data]).toEqual([1.5, -0.25]);
    const f64 = parseIdx(idx(0x0e, [1], 8, [Math.PI], (v, at, x) => v.setFloat64(at, x)));
    expect(f64.data).toBeInstanceOf(Float64Array);
    expect(f64.data[0]).toBe(Math.PI);
  });

  it('names what is wrong with a malformed file', () => {
    const good = u8([2, 2], [1, 2, 3, 4]);
    expect(() => parseIdx(Uint8Array.from([1, 0, 8, 1]), 'x.idx')).toThrow(/x.idx: not an idx file/);
    expect(() => parseIdx(Uint8Array.from([0, 0, 0x42, 1]))).toThrow(/unknown idx type code 0x42/);
    expect(() => parseIdx(good.subarray(0, 7))).toThrow(/cannot hold the header of 2 dimensions/);
    expect(() => parseIdx(good.subarray(0, good.length - 1))).toThrow(/says \[2, 2\] \(16 bytes\) but the file has 15 bytes/);
  });

  it('makes [n, 1, h, w] images in [0, 1] with their labels, and refuses what does not fit', () => {
    const d = imagesAndLabels(parseIdx(u8([2, 1, 2], [0, 255, 51, 102])), parseIdx(u8([2], [9, 0])));
    expect(d.shape).toEqual([1, 1, 2]);
    expect([...d.x]).toEqual([0, 1, 0.2, 0.4].map(Math.fround));
    expect([...d.y]).toEqual([9, 0]);
    expect(d).toMatchObject({ n: 2, features: 2, classes: 10 });
    expect(() => imagesAndLabels(parseIdx(u8([2, 1, 2], [0, 0, 0, 0])), parseIdx(u8([3], [0, 0, 0])))).toThrow(/2 images but 3 labels/);
    expect(() => imagesAndLabels(parseIdx(u8([1, 1, 1], [0])), parseIdx(u8([1], [10])))).toThrow(/label 10 of image 0 is not a class 0..9/);
    expect(() => imagesAndLabels(parseIdx(u8([4], [0, 0, 0, 0])), parseIdx(u8([4], [0, 0, 0, 0])))).toThrow(/images must be .*\[n, height, width\], got Uint8Array \[4\]/);
  });
});

describe('Fashion-MNIST files', () => {
  it("reads Debian's dataset-fashion-mnist: 60,000 + 10,000 images of 28x28, labels as published", () => {
    const { train, test } = loadFashionMnist();
    expect([train.n, test.n, train.features, train.classes]).toEqual([60000, 10000, 784, 10]);
    expect(train.shape).toEqual([1, 28, 28]);
    expect([...train.y.subarray(0, 10)]).toEqual([9, 0, 0, 3, 0, 2, 7, 2, 5, 5]);
    expect([...test.y.subarray(0, 10)]).toEqual([9, 2, 1, 1, 6, 1, 4, 6, 5, 7]);
    // the first training image: 76247 / 255 in all, its brightest pixel (255) at index 417
    expect(train.x.subarray(0, 784).reduce((a: number, b: number) => a + b, 0)).toBeCloseTo(76247 / 255, 2);
    expect(train.x.subarray(0, 784).indexOf(1)).toBe(417);
  });

  it('reads uncompressed files from --data-dir, and says how to get a missing one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'fashion-'));
    const images = u8([3, 2, 2], Array.from({ length: 12 }, (_, i) => i * 20));
    const labels = u8([3], [1, 2, 3]);
    writeFileSync(join(dir, FASHION_MNIST_FILES.trainImages), gzipSync(images));
    writeFileSync(join(dir, FASHION_MNIST_FILES.trainLabels.replace(/\.gz$/, '')), labels);
    writeFileSync(join(dir, FASHION_MNIST_FILES.testImages.replace(/\.gz$/, '')), images);
    expect(() => loadFashionMnist(dir)).toThrow(new RegExp(`${join(dir, 't10k-labels-idx1-ubyte.gz')} not found .*apt-get install dataset-fashion-mnist.*--data-dir`));
    writeFileSync(join(dir, FASHION_MNIST_FILES.testLabels), Uint8Array.from([1, 2, 3]));
    expect(() => loadFashionMnist(dir)).toThrow(/t10k-labels-idx1-ubyte.gz is not a valid gzip file/);
    writeFileSync(join(dir, FASHION_MNIST_FILES.testLabels), gzipSync(labels));
    const { train, test } = loadFashionMnist(dir);
    expect([train.n, test.n, train.shape]).toEqual([3, 3, [1, 2, 2]]);
    expect([...test.y]).toEqual([1, 2, 3]);
  });
});

describe('resizeBilinear', () => {
  it("matches PyTorch's F.interpolate(mode='bilinear', align_corners=False)", () => {
    // torch 1.13: F.interpolate(torch.arange(12.).reshape(1, 1, 3, 4) ** 1.5, size=(5, 7), mode='bilinear', align_corners=False)
    const want = [0.0, 0.35714, 0.92857, 1.91421, 2.99755, 4.35054, 5.19615, 3.2, 3.86862, 4.93841, 6.32398, 7.78654, 9.47224, 10.5258,
      8.0, 9.13584, 10.95317, 12.93864, 14.97003, 17.15479, 18.52026, 16.77645, 18.16777, 20.39388, 22.76229, 25.16997, 27.71019,
      29.29783, 22.62742, 24.18905, 26.68767, 29.31139, 31.96993, 34.74712, 36.48287];
    const x = Float32Array.from({ length: 12 }, (_, i) => i ** 1.5);
    const twice = new Float32Array(24);
    twice.set(x);
    twice.set(x, 12);
    const got = resizeBilinear(twice, 2, 3, 4, 5, 7);
    [...got].forEach((v, i) => expect(v).toBeCloseTo(want[i % 35], 4));
    // downsizing: torch gives [1.75, 3.25] for arange(6.).reshape(1, 1, 2, 3) to (1, 2)
    expect([...resizeBilinear(Float32Array.from([0, 1, 2, 3, 4, 5]), 1, 2, 3, 1, 2)]).toEqual([1.75, 3.25]);
    expect(() => resizeBilinear(new Float32Array(5), 1, 2, 3, 4, 4)).toThrow(/5 values are not 1 images of 2x3/);
    expect(() => resizeBilinear(new Float32Array(6), 1, 2, 3, 0, 4)).toThrow(/positive integers/);
  });
});
