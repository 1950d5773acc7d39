// Models in and out: safetensors files, TorchUncertainty's packed layouts, ONNX export for inference.
export * from './safetensors.ts';
export * from './torch-uncertainty/index.ts';
export * from './onnx-export.ts';
