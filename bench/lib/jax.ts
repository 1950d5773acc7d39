// jax-js (wasm device) running the block-diagonal layer as a JAX user would: one batched matmul over the
// M blocks, `jit` for the forward, `jit(grad(...))` for forward+backward. Node 20 has no Web Worker
// global, so jax-js's wasm worker pool does not start there: one thread. Its einsum needs iterator
// helpers (Node 22), hence transpose + matmul.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Workload } from './engine-strategies.ts';
import type { Pass, Point } from './types.ts';

type Jax = typeof import('@jax-js/jax');
type JaxArray = InstanceType<Jax['numpy']['Array']>;

export interface JaxPeer {
  jax: Jax;
  version: string;
  threads: number;
}

/** Loads jax-js with its wasm device (no network); throws with the reason it cannot. */
export async function loadJax(): Promise<JaxPeer> {
  const jax = await import('@jax-js/jax');
  const devices = await jax.init('wasm'); // init() with no argument probes WebGPU through navigator, absent in Node
  if (!devices.includes('wasm')) throw new Error(`jax-js: no wasm device (devices: ${devices.join(', ')})`);
  jax.defaultDevice('wasm');
  const entry = createRequire(import.meta.url).resolve('@jax-js/jax'); // <package>/dist/index.cjs
  const { version } = JSON.parse(readFileSync(join(dirname(entry), '..', 'package.json'), 'utf8')) as { version: string };
  return { jax, version, threads: 1 };
}

/** y = x W_gᵀ + b per block, x [B, M·I] -> [B, M·O], with the packed weight [M, O, I]. Takes ownership of its arguments. */
export function jaxBlockLinear(jax: Jax, x: JaxArray, w: JaxArray, b: JaxArray): JaxArray {
  const np = jax.numpy;
  const [M, O, I] = w.shape, B = x.shape[0];
  const groupMajor = np.transpose(x.reshape([B, M, I]), [1, 0, 2]); // [M, B, I]
  const y = np.matmul(groupMajor, np.transpose(w, [0, 2, 1])); // [M, B, O]
  return np.transpose(y, [1, 0, 2]).reshape([B, M * O]).add(b);
}

export function jaxWorkload({ jax }: Pick<JaxPeer, 'jax'>, p: Point): Workload {
  const { B, M, F } = p;
  const seed = p.M * 10007 + p.F;
  const [x, w, b, dy] = [[B, M * F], [M, F, F], [M * F], [B, M * F]].map((shape, k) => jax.random.normal(jax.random.key(seed + k), shape));
  const forward = jax.jit((xs: JaxArray, ws: JaxArray, bs: JaxArray) => jaxBlockLinear(jax, xs, ws, bs));
  const withGrads = jax.jit(
    jax.grad((xs: JaxArray, ws: JaxArray, bs: JaxArray, dys: JaxArray) => jaxBlockLinear(jax, xs, ws, bs).mul(dys).sum(), { argnums: [0, 1, 2] }),
  );
  return {
    async step(pass: Pass) {
      const out = pass === 'forward' ? [forward(x.ref, w.ref, b.ref)] : withGrads(x.ref, w.ref, b.ref, dy.ref);
      await jax.blockUntilReady(out);
      jax.tree.dispose(out);
    },
    dispose() {
      forward.dispose();
      withGrads.dispose();
      for (const a of [x, w, b, dy]) a.dispose();
    },
  };
}
