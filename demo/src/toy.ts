// Two-dimensional toy classification sets, drawn from a seeded Rng: two moons and interleaved spirals.
import { Rng } from '../../src/index.ts';
import type { Dataset } from '../../app/data/digits.ts';

function dataset(points: number[][], labels: number[], classes: number): Dataset {
  return { x: Float32Array.from(points.flat()), y: Int32Array.from(labels), n: labels.length, features: 2, classes };
}

/** Two interleaving half circles (as scikit-learn's make_moons), centred on the origin. */
export function twoMoons(n: number, noise: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const points: number[][] = [], labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const label = i % 2, t = Math.PI * rng.uniform();
    const [x, y] = label === 0 ? [Math.cos(t), Math.sin(t)] : [1 - Math.cos(t), 0.5 - Math.sin(t)];
    points.push([(x - 0.5) * 1.3 + noise * rng.normal(), (y - 0.25) * 1.3 + noise * rng.normal()]);
    labels.push(label);
  }
  return dataset(points, labels, 2);
}

/** `arms` spirals winding out of the origin, one class each. */
export function spirals(n: number, arms: number, noise: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const points: number[][] = [], labels: number[] = [];
  for (let i = 0; i < n; i++) {
    const label = i % arms, r = 0.08 + 0.92 * rng.uniform();
    const angle = 2 * Math.PI * (label / arms) + 2.4 * r * Math.PI;
    points.push([1.8 * r * Math.cos(angle) + noise * rng.normal(), 1.8 * r * Math.sin(angle) + noise * rng.normal()]);
    labels.push(label);
  }
  return dataset(points, labels, arms);
}
