// What the inference worker (workers/inference-worker.ts) answers, shared by it and the client.
import type { BackendInfo } from '../backend/backend.ts';
import type { BackendChoice } from '../runtime.ts';
import type { PackedMLPConfig } from '../nn/packed-config.ts';
import type { Prediction } from './predict.ts';

export interface LoadRequest {
  bytes: Uint8Array;
  config?: PackedMLPConfig;
  backend: BackendChoice;
  threads?: number;
}

export interface Loaded {
  config: PackedMLPConfig;
  backend: BackendInfo;
}

export interface InferenceWorkerApi {
  load(request: LoadRequest): Promise<Loaded>;
  /** One forward pass over n rows; the result's buffers are transferred back. */
  predict(x: Float32Array, n: number): Promise<Prediction>;
}
