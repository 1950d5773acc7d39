// Serving a PackedMLP, PackedLeNet or PackedResNet from a worker, and the architecture metadata that lets a
// safetensors file describe itself.
export { createInferenceWorker, type InferenceWorker, type InferenceWorkerOptions } from './client.ts';
export { packedMLPMetadata, configFromMetadata, PACKED_MLP_METADATA_KEY, type PackedMLPConfig } from '../nn/packed-config.ts';
export { loadPackedMLP, loadModel, type Architecture, type ModelConfig, type LoadedModel, type ServedModel } from './model.ts';
export {
  packedLeNetMetadata, packedResNetMetadata, PACKED_LENET_METADATA_KEY, PACKED_RESNET_METADATA_KEY, type PackedLeNetConfig, type PackedResNetConfig,
} from '../nn/packed-conv-config.ts';
export { predictBatch, type Prediction } from './predict.ts';
export type { ModelSource } from './source.ts';
