// The inference worker: holds one served model (PackedMLP, PackedLeNet or PackedResNet) and answers `load` and
// `predict` over comlink.
// Built to a self-contained string by scripts/build-inference-worker.ts; it runs in worker_threads and in Web Workers.
import { expose, transfer, type Endpoint } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { init, backendInfo } from '../src/runtime.ts';
import { loadModel, type ServedModel } from '../src/inference/model.ts';
import { predictBatch, predictionBuffers } from '../src/inference/predict.ts';
import type { InferenceWorkerApi } from '../src/inference/protocol.ts';
import { nodeParentPort } from './node-parent-port.ts';

let model: ServedModel | null = null;

const api: InferenceWorkerApi = {
  async load({ bytes, architecture, config, backend, threads }) {
    await init({ backend, threads });
    model?.dispose();
    const loaded = loadModel(bytes, { architecture, config });
    model = loaded.model;
    return { architecture: loaded.architecture, config: loaded.config, backend: backendInfo() };
  },
  async predict(x, shape) {
    if (!model) throw new Error('inference worker: predict before load');
    const p = await predictBatch(model, x, shape);
    return transfer(p, predictionBuffers(p));
  },
};

function hostEndpoint(): Endpoint {
  const parentPort = nodeParentPort();
  return parentPort ? nodeEndpoint(parentPort) : (globalThis as unknown as Endpoint);
}

expose(api, hostEndpoint());
