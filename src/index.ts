// blockgrad: a small tensor/autograd engine whose central op is the block-diagonal linear layer.
import './autograd.ts'; // installs backward into the engine
export * from './ops/index.ts';
export { Tensor } from './tensor.ts';
export type { Shape } from './shapes.ts';
export { init, backendName, backendInfo, getBackend, tidy, noGrad, memory, flush } from './runtime.ts';
export type { InitOptions, MemoryInfo, BackendChoice } from './runtime.ts';
export type { Backend, BackendName, BackendInfo, BlockShape, Activation, DType, Precision } from './backend/backend.ts';
export { Rng } from './random.ts';
export * as layout from './layout.ts';
export * as nn from './nn/index.ts';
export * as optim from './optim/index.ts';
export * as metrics from './metrics.ts';
export * as io from './io/index.ts';
export * from './inference/index.ts';
export { TrainingGuard, type GuardOptions } from './resilience.ts';
