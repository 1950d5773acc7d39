// What the inference worker (workers/inference-worker.ts) answers, shared by it and the client.
import type { BackendInfo } from '../backend/backend.ts';
import type { BackendChoice } from '../runtime.ts';
import type { Architecture, ModelConfig } from './model.ts';
import type { PackedPrediction } from './predict.ts';

export interface LoadRequest {
  bytes: Uint8Array;
  architecture?: Architecture;
  config?: ModelConfig;
  backend: BackendChoice;
  threads?: number;
}

export interface Loaded {
  architecture: Architecture;
  config: ModelConfig;
  backend: BackendInfo;
  /** The library's warnings in the worker (a backend fallen back to, fewer threads), for the host to print. */
  warnings: string[];
}

/** What a Node host passes as the worker's workerData. */
export interface InferenceWorkerData {
  /** The file URL of the `webgpu` package, resolved where the library is installed; null when it is not. */
  dawnModule: string | null;
}

/** The inference worker as the host calls it (SpawnedWorker.api): load over comlink, predict over the prediction port. */
export interface InferenceWorkerApi {
  load(request: LoadRequest): Promise<Loaded>;
  /** One forward pass over a batch of the given full shape (x's buffer is transferred); the result's one buffer is transferred back. */
  predict(x: Float32Array, shape: number[]): Promise<PackedPrediction>;
}

/** What the worker exposes over comlink. */
export interface InferenceWorkerRemote {
  load(request: LoadRequest): Promise<Loaded>;
  /** Answers the predict requests that come on `port` from now on (see prediction-port.ts). */
  servePredictions(port: MessagePort): void;
}
