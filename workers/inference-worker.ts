// The inference worker: holds one PackedMLP and answers `load` and `predict` over comlink.
// Built to a self-contained string by scripts/build-inference-worker.ts; it runs in worker_threads and in Web Workers.
import { expose, transfer, type Endpoint } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { init, backendInfo } from '../src/runtime.ts';
import type { PackedMLP } from '../src/nn/packed.ts';
import { loadPackedMLP } from '../src/inference/model.ts';
import { predictBatch, predictionBuffers } from '../src/inference/predict.ts';
import type { InferenceWorkerApi } from '../src/inference/protocol.ts';

let model: PackedMLP | null = null;

const api: InferenceWorkerApi = {
  async load({ bytes, config, backend, threads }) {
    await init({ backend, threads });
    model?.parameters().forEach((p) => p.dispose());
    const loaded = loadPackedMLP(bytes, config);
    model = loaded.model;
    return { config: loaded.config, backend: backendInfo() };
  },
  async predict(x, n) {
    if (!model) throw new Error('inference worker: predict before load');
    const p = await predictBatch(model, x, n);
    return transfer(p, predictionBuffers(p));
  },
};

function hostEndpoint(): Endpoint {
  if (typeof process !== 'undefined' && typeof require === 'function') {
    const { parentPort } = require('node:worker_threads') as typeof import('node:worker_threads');
    return nodeEndpoint(parentPort!);
  }
  return globalThis as unknown as Endpoint;
}

expose(api, hostEndpoint());
