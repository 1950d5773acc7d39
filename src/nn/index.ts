export { Module, type StateValue, type LoadOptions } from './module.ts';
export { Linear, BlockLinear, type LinearOptions, type BlockLinearLayerOptions } from './linear.ts';
export { PackedLinear, PackedMLP, type PackedLinearOptions, type PackedMLPOptions } from './packed.ts';
export { Sequential, ReLU, GELU, Tanh, Sigmoid } from './containers.ts';
export { uniformParameter } from './init.ts';
