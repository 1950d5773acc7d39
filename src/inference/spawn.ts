// Starts the embedded inference worker: worker_threads (eval) in Node, a Blob-URL Web Worker in browsers.
import { transfer, wrap } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { predictionCaller } from './prediction-port.ts';
import type { InferenceWorkerApi, InferenceWorkerData, InferenceWorkerRemote } from './protocol.ts';

export interface SpawnedWorker {
  /** The worker's API: `load` a comlink proxy's, `predict` the prediction port's (see remoteApi). */
  api: InferenceWorkerApi;
  /** Calls fn once, when the worker dies or reports an uncaught error. */
  onExit(fn: (error: Error) => void): void;
  /** Whether calls are in flight: in Node an idle worker (and its prediction port) does not keep the process alive. */
  setBusy(busy: boolean): void;
  /** Closes the prediction port and stops the worker. */
  terminate(): void;
}

/**
 * The worker's API: load over comlink (its proxy made once: comlink makes, and registers for finalization, a new
 * proxy on every property read), predict over a MessagePort of its own (see prediction-port.ts), whose other end
 * goes to the worker first: comlink's messages arrive in order, so the worker holds it before `load` runs.
 */
function remoteApi(endpoint: Parameters<typeof wrap>[0], channel: MessageChannel): InferenceWorkerApi {
  const remote = wrap<InferenceWorkerRemote>(endpoint) as unknown as InferenceWorkerRemote;
  void remote.servePredictions(transfer(channel.port2, [channel.port2]));
  return { load: remote.load, predict: predictionCaller(channel.port1) };
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
  const channel = new threads.MessageChannel();
  worker.unref();
  channel.port1.unref();
  return {
    api: remoteApi(nodeEndpoint(worker), channel as unknown as MessageChannel),
    onExit: (fn) => {
      const exit = once(fn);
      worker.on('error', (e) => exit(e instanceof Error ? e : new Error(String(e))));
      worker.on('exit', (code) => exit(new Error(`the inference worker exited (code ${code})`)));
    },
    setBusy: (busy) => {
      for (const handle of [worker, channel.port1]) {
        if (busy) handle.ref();
        else handle.unref();
      }
    },
    terminate: () => {
      channel.port1.close();
      void worker.terminate();
    },
  };
}

function spawnBrowser(source: string): SpawnedWorker {
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  const worker = new Worker(url);
  URL.revokeObjectURL(url);
  const channel = new MessageChannel();
  return {
    api: remoteApi(worker, channel),
    onExit: (fn) => {
      const exit = once(fn);
      worker.addEventListener('error', (e) => exit(new Error(`the inference worker failed: ${e.message || 'uncaught error'}`)));
    },
    setBusy: () => {},
    terminate: () => {
      channel.port1.close();
      worker.terminate();
    },
  };
}
