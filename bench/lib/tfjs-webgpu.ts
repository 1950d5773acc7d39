// The peer of the WebGPU benchmark: tfjs's WebGPU backend in Node, on the adapter Dawn (the `webgpu`
// package) gives this engine. tfjs registers the backend only where navigator.gpu exists when it loads.
import { register } from 'node:module';
import { findGPU } from '../../src/backend/webgpu/gpu.ts';

type Tf = typeof import('@tensorflow/tfjs-core');

export interface TfjsWebGPUPeer {
  tf: Tf;
  /** Resolves when every kernel tfjs has queued so far has run (its flush, as the engine's flush()). */
  sync(): Promise<void>;
  adapter: string;
}

interface TfWebGPUBackend {
  device: GPUDevice;
  endComputePassEncoder(): void;
  submitQueue(): void;
  adapterInfo?: { vendor?: string; architecture?: string };
}

/** Loads tfjs-core with tfjs-backend-webgpu (no network); throws with the reason it cannot. */
export async function loadTfjsWebGPU(): Promise<TfjsWebGPUPeer> {
  const gpu = await findGPU(); // Dawn's GPU object; installs the WebGPU globals (GPUBufferUsage…)
  const nav = (globalThis as { navigator?: { gpu?: GPU } }).navigator;
  if (nav) {
    if (!nav.gpu) Object.defineProperty(nav, 'gpu', { value: gpu, configurable: true });
  } else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true }); // Node 20 has no navigator
  const tf = await import('@tensorflow/tfjs-core');
  register('./tfjs-esm-hooks.mjs', import.meta.url); // tfjs-core's gradients ship only in its ESM build
  await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
  await import('@tensorflow/tfjs-backend-webgpu');
  tf.env().set('DEBUG', false);
  if (!(await tf.setBackend('webgpu'))) throw new Error('tfjs: the webgpu backend did not initialise');
  await tf.ready();
  const backend = tf.backend() as unknown as TfWebGPUBackend;
  const info = backend.adapterInfo;
  return {
    tf,
    adapter: [info?.vendor, info?.architecture].filter(Boolean).join(' '),
    async sync() {
      backend.endComputePassEncoder(); // as tfjs does before its own submits
      backend.submitQueue();
      await backend.device.queue.onSubmittedWorkDone();
    },
  };
}
