// Checkpoints in and out: safetensors files and TorchUncertainty's packed layouts.
export * from './safetensors.ts';
export * from './torch-uncertainty.ts';
