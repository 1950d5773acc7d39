// Starts the embedded inference worker: worker_threads (eval) in Node, a Blob-URL Web Worker in browsers.
import { wrap } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import type { InferenceWorkerApi, InferenceWorkerData } from './protocol.ts';

export interface SpawnedWorker {
  /** The worker's API (a comlink proxy; its methods already return promises, so its type is the API's). */
  api: InferenceWorkerApi;
  /** Calls fn once, when the worker dies or reports an uncaught error. */
  onExit(fn: (error: Error) => void): void;
  /** Whether calls are in flight: in Node an idle worker does not keep the process alive. */
  setBusy(busy: boolean): void;
  terminate(): void;
}

/**
 * The worker's API over comlink, each method's proxy made once: comlink makes (and registers for finalization)
 * a new proxy on every property read, which a one-row call would otherwise pay each time.
 */
function remoteApi(endpoint: Parameters<typeof wrap>[0]): InferenceWorkerApi {
  const remote = wrap<InferenceWorkerApi>(endpoint) as unknown as InferenceWorkerApi;
  return { load: remote.load, predict: remote.predict };
}

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

export async function spawnInferenceWorker(): Promise<SpawnedWorker> {
  const { inferenceWorkerSource } = await import('./worker-source.generated.ts');
  return isNode ? spawnNode(inferenceWorkerSource) : spawnBrowser(inferenceWorkerSource);
}

function once(fn: (error: Error) => void): (error: Error) => void {
  let called = false;
  return (error) => {
    if (!called) fn(error);
    called = true;
  };
}

/**
 * The file URL of the `webgpu` package as this module resolves it, or null when it is not installed. The
 * worker's code is evaluated from a string and would resolve `webgpu` from the working directory instead.
 */
async function dawnModuleUrl(): Promise<string | null> {
  const [{ createRequire }, { pathToFileURL }] = await Promise.all([import('node:module'), import('node:url')]);
  try {
    return pathToFileURL(createRequire(import.meta.url).resolve('webgpu')).href;
  } catch {
    return null;
  }
}

async function spawnNode(source: string): Promise<SpawnedWorker> {
  const threads = await import('node:worker_threads');
  const workerData: InferenceWorkerData = { dawnModule: await dawnModuleUrl() };
  // SHARE_ENV: the Vulkan driver list the worker sets before Dawn starts (see prepareVulkan) must reach the
  // process's real environment, which Dawn reads; a worker's own process.env is a copy.
  const worker = new threads.Worker(source, { eval: true, workerData, env: threads.SHARE_ENV });
  worker.unref();
  return {
    api: remoteApi(nodeEndpoint(worker)),
    onExit: (fn) => {
      const exit = once(fn);
      worker.on('error', (e) => exit(e instanceof Error ? e : new Error(String(e))));
      worker.on('exit', (code) => exit(new Error(`the inference worker exited (code ${code})`)));
    },
    setBusy: (busy) => (busy ? worker.ref() : worker.unref()),
    terminate: () => void worker.terminate(),
  };
}

function spawnBrowser(source: string): SpawnedWorker {
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  const worker = new Worker(url);
  URL.revokeObjectURL(url);
  return {
    api: remoteApi(worker),
    onExit: (fn) => {
      const exit = once(fn);
      worker.addEventListener('error', (e) => exit(new Error(`the inference worker failed: ${e.message || 'uncaught error'}`)));
    },
    setBusy: () => {},
    terminate: () => worker.terminate(),
  };
}
