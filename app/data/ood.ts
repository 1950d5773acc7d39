// Out-of-distribution sets for the uncertainty report: uniform noise shaped like the test set, and the
// 8x8 digits upsampled to clothing-image size.
import { Rng } from '../../src/index.ts';
import type { Dataset } from './digits.ts';
import { resizeBilinear } from './resize.ts';

/** n images of uniform noise in the data's [0, 1] pixel range and shape, the same for the same seed. */
export function noiseImages(like: Dataset, n: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const x = Float32Array.from({ length: n * like.features }, () => rng.uniform());
  return { ...like, x, y: new Int32Array(n), n };
}

/** The 8x8 digits upsampled (bilinear, as PyTorch's F.interpolate) to [n, 1, size, size] images. */
export function digitsAsImages(digits: Dataset, size: number): Dataset {
  if (digits.features !== 64) throw new Error(`digitsAsImages: the digits are 8x8 (64 features), got ${digits.features}`);
  const x = resizeBilinear(digits.x, digits.n, 8, 8, size, size);
  return { ...digits, x, features: size * size, shape: [1, size, size] };
}
