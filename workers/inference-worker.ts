// The inference worker: holds one served model (PackedMLP, PackedLeNet or PackedResNet); answers `load` over comlink
// and predictions on the port that `servePredictions` hands it.
// Built to a self-contained string by scripts/build-inference-worker.ts; it runs in worker_threads and in Web Workers.
import { expose, type Endpoint } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { init, backendInfo, flush } from '../src/runtime.ts';
import { engine } from '../src/engine.ts';
import { loadModel, type ServedModel } from '../src/inference/model.ts';
import { predictPacked } from '../src/inference/predict.ts';
import { servePredictions } from '../src/inference/prediction-port.ts';
import type { InferenceWorkerData, InferenceWorkerRemote } from '../src/inference/protocol.ts';
import { useDawnModule } from '../src/backend/webgpu/gpu.ts';
import { holdWarnings, takeWarnings } from '../src/backend/warnings.ts';
import { nodeParentPort, nodeWorkerThreads } from './node-parent-port.ts';

holdWarnings(); // printed by the host, once for both threads

const dawnModule = (nodeWorkerThreads()?.workerData as InferenceWorkerData | undefined)?.dawnModule;
if (dawnModule) useDawnModule(dawnModule);

let model: ServedModel | null = null;

const api: InferenceWorkerRemote = {
  async load({ bytes, architecture, config, backend, threads }) {
    await init({ backend, threads });
    model?.dispose();
    const loaded = loadModel(bytes, { architecture, config });
    model = loaded.model;
    await flush(); // the weights' uploads done and their device errors read: nothing of Dawn's pending when the host terminates the worker
    return { architecture: loaded.architecture, config: loaded.config, backend: backendInfo(), warnings: takeWarnings() };
  },
  servePredictions(port) {
    servePredictions(port, (x, shape) => {
      if (!model) throw new Error('inference worker: predict before load');
      // The kernel workers poll through this pass and the wait for the next request instead of sleeping, also when no
      // kernel of the pass is split: a message to a worker thread whose core slept costs more (one-row calls at 2
      // threads: 77 -> 47 µs a round trip); onnxruntime-web's thread pool spins the same way.
      engine.backend.wakeWorkers?.();
      return predictPacked(model, x, shape);
    });
  },
};

function hostEndpoint(): Endpoint {
  const parentPort = nodeParentPort();
  return parentPort ? nodeEndpoint(parentPort) : (globalThis as unknown as Endpoint);
}

expose(api, hostEndpoint());
