// One run of the three block GEMMs on any backend, on plain arrays (so it crosses into a browser page).
import type { Backend, BlockShape } from '../../src/backend/backend.ts';
import { Rng } from '../../src/random.ts';

export interface GemmCase {
  shape: BlockShape;
  /** x [B, G*I], w [G, O, I], bias [G*O], dy [B, G*O] */
  x: number[];
  w: number[];
  bias: number[];
  dy: number[];
}

export interface GemmOutputs {
  y: number[];
  dx: number[];
  dw: number[];
  db: number[];
}

/** One case per shape, its values drawn from a standard normal seeded with `seed`. */
export function gemmCases(shapes: BlockShape[], seed: number): GemmCase[] {
  const rng = new Rng(seed);
  const data = (n: number) => Array.from({ length: n }, () => rng.normal());
  return shapes.map((shape) => {
    const { B, G, I, O } = shape;
    return { shape, x: data(B * G * I), w: data(G * O * I), bias: data(G * O), dy: data(B * G * O) };
  });
}

/** y = relu(x·Wᵀ + b), dx, dW and db of one case on backend b. */
export async function runGemmCase(b: Backend, { shape, x, w, bias, dy }: GemmCase): Promise<GemmOutputs> {
  const { B, G, I, O } = shape;
  const [xs, ws, bs, dys] = [x, w, bias, dy].map((values) => {
    const s = b.alloc(values.length, 'f32');
    b.upload(s, Float32Array.from(values));
    return s;
  });
  const [y, dx, dw, db] = [B * G * O, B * G * I, G * O * I, G * O].map((n) => b.alloc(n, 'f32'));
  b.blockLinear(xs, ws, bs, y, shape, 'relu');
  b.blockLinearInputGrad(dys, ws, dx, shape);
  b.blockLinearWeightGrad(dys, xs, dw, shape);
  b.reduce('sum', dys, db, 1, B, G * O); // db, as ops/blocklinear.ts computes it
  const [yv, dxv, dwv, dbv] = await Promise.all([y, dx, dw, db].map(async (s) => [...(await b.download(s))]));
  [xs, ws, bs, dys, y, dx, dw, db].forEach((s) => b.free(s));
  return { y: yv, dx: dxv, dw: dwv, db: dbv };
}
