// tfjs's wasm backend (SIMD; its threaded build is disabled in Node) running the block-diagonal layer
// as a web developer would: one batched matMul over the M blocks, gradients through tf.grads.
import { createRequire, register } from 'node:module';
import { dirname } from 'node:path';
import type { Tensor as TfTensor } from '@tensorflow/tfjs-core';
import type { Workload } from './engine-strategies.ts';
import type { Pass, Point } from './types.ts';

type Tf = typeof import('@tensorflow/tfjs-core');

export interface TfjsPeer {
  tf: Tf;
  threads: number;
  simd: boolean;
}

/** Loads tfjs-core with the wasm backend from node_modules (no network); throws with the reason it cannot. */
export async function loadTfjs(): Promise<TfjsPeer> {
  const tf = await import('@tensorflow/tfjs-core');
  register('./tfjs-esm-hooks.mjs', import.meta.url); // tfjs-core's gradients ship only in its ESM build
  await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const dist = dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'));
  wasm.setWasmPaths(`${dist}/`);
  tf.env().set('DEBUG', false);
  if (!(await tf.setBackend('wasm'))) throw new Error('tfjs: the wasm backend did not initialise');
  await tf.ready();
  const simd = Boolean(await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'));
  return { tf, threads: wasm.getThreadsCount(), simd };
}

export function tfjsWorkload({ tf }: Pick<TfjsPeer, 'tf'>, p: Point): Workload {
  const { B, M, F } = p;
  const x = tf.randomNormal([B, M * F]), w = tf.randomNormal([M, F, F]), bias = tf.randomNormal([M * F]);
  const dy = tf.randomNormal([B, M * F]);
  const forward = (xs: TfTensor, ws: TfTensor, bs: TfTensor): TfTensor => {
    const groupMajor = tf.transpose(tf.reshape(xs, [B, M, F]), [1, 0, 2]); // [M, B, F]
    const y = tf.matMul(groupMajor, ws, false, true); // [M, B, O] with the packed [M, O, I] weight
    return tf.add(tf.reshape(tf.transpose(y, [1, 0, 2]), [B, M * F]), bs);
  };
  const withGrads = tf.grads((xs, ws, bs) => forward(xs, ws, bs));
  return {
    step(pass: Pass) {
      tf.tidy(() => {
        if (pass === 'forward') forward(x, w, bias);
        else withGrads([x, w, bias], dy);
      });
    },
    // tfjs's own count: the most bytes its engine held at any kernel of the step, inputs included
    async peakBytes() {
      const info = await tf.profile(() => tf.tidy(() => void withGrads([x, w, bias], dy)));
      return info.peakBytes;
    },
    dispose() {
      tf.dispose([x, w, bias, dy]);
    },
  };
}
