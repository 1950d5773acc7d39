// Bundled into the page of test/browser-webgpu-gemm.test.ts: the three block GEMMs on the browser's WebGPU.
import type { Backend, BlockShape } from '../src/backend/backend.ts';
import { createWebGPUBackend } from '../src/backend/webgpu/index.ts';

export interface GemmCase {
  shape: BlockShape;
  /** x [B, G*I], w [G, O, I], bias [G*O], dy [B, G*O] */
  x: number[];
  w: number[];
  bias: number[];
  dy: number[];
}

export interface GemmResult {
  adapter: string;
  y: number[];
  dx: number[];
  dw: number[];
  db: number[];
}

async function runCase(b: Backend, { shape, x, w, bias, dy }: GemmCase): Promise<Omit<GemmResult, 'adapter'>> {
  const { B, G, I, O } = shape;
  const [xs, ws, bs, dys] = [x, w, bias, dy].map((values) => {
    const s = b.alloc(values.length, 'f32');
    b.upload(s, Float32Array.from(values));
    return s;
  });
  const [y, dx, dw, db] = [B * G * O, B * G * I, G * O * I, G * O].map((n) => b.alloc(n, 'f32'));
  b.blockLinear(xs, ws, bs, y, shape, 'relu');
  b.blockLinearInputGrad(dys, ws, dx, shape);
  b.blockLinearWeightGrad(dys, xs, dw, db, shape);
  const [yv, dxv, dwv, dbv] = await Promise.all([y, dx, dw, db].map(async (s) => [...(await b.download(s))]));
  [xs, ws, bs, dys, y, dx, dw, db].forEach((s) => b.free(s));
  return { y: yv, dx: dxv, dw: dwv, db: dbv };
}

async function runGemms(cases: GemmCase[]): Promise<GemmResult[]> {
  const b = await createWebGPUBackend();
  try {
    const adapter = String(b.info().details.adapter);
    const results: GemmResult[] = [];
    for (const c of cases) results.push({ adapter, ...(await runCase(b, c)) });
    return results;
  } finally {
    b.dispose();
  }
}

Object.assign(globalThis, { runGemms });
