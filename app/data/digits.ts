// The UCI optical-recognition digits (8x8 images, 10 classes), parsed from its CSV and split reproducibly.
import { Rng } from '../../src/index.ts';

export interface Dataset {
  /** Row-major [n, features], scaled to [0, 1]. */
  x: Float32Array;
  y: Int32Array;
  n: number;
  features: number;
  classes: number;
  /** The shape of one sample when it is an image, [channels, height, width] (features = their product); absent for rows. */
  shape?: number[];
}

/** Parses "64 pixels (0..16),label" rows. */
export function parseDigitsCsv(text: string): Dataset {
  const lines = text.split('\n').filter((l) => l.trim());
  const features = 64;
  const x = new Float32Array(lines.length * features);
  const y = new Int32Array(lines.length);
  lines.forEach((line, r) => {
    const cells = line.split(',').map(Number);
    if (cells.length !== features + 1 || cells.some((v) => !Number.isFinite(v))) {
      throw new Error(`digits: row ${r + 1} has ${cells.length} cells or a non-number (want ${features} pixels and a label)`);
    }
    for (let c = 0; c < features; c++) x[r * features + c] = cells[c] / 16;
    y[r] = cells[features];
  });
  return { x, y, n: lines.length, features, classes: 10 };
}

/** Rows picked by index. */
export function subset(d: Dataset, rows: ArrayLike<number>): Dataset {
  const x = new Float32Array(rows.length * d.features), y = new Int32Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    x.set(d.x.subarray(rows[i] * d.features, (rows[i] + 1) * d.features), i * d.features);
    y[i] = d.y[rows[i]];
  }
  return { ...d, x, y, n: rows.length };
}

/** A fixed shuffled split: the same seed gives the same rows. */
export function trainTestSplit(d: Dataset, testFraction: number, seed: number): { train: Dataset; test: Dataset } {
  const order = Array.from({ length: d.n }, (_, i) => i);
  new Rng(seed).shuffle(order);
  const nTest = Math.round(d.n * testFraction);
  return { test: subset(d, order.slice(0, nTest)), train: subset(d, order.slice(nTest)) };
}
