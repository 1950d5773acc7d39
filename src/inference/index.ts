// Serving a PackedMLP from a worker, and the architecture metadata that lets a safetensors file describe itself.
export { createInferenceWorker, type InferenceWorker, type InferenceWorkerOptions } from './client.ts';
export { packedMLPMetadata, configFromMetadata, PACKED_MLP_METADATA_KEY, type PackedMLPConfig } from '../nn/packed-config.ts';
export { loadPackedMLP } from './model.ts';
export { predictBatch, type Prediction } from './predict.ts';
export type { ModelSource } from './source.ts';
