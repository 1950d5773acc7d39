// Writing ONNX models: a protobuf wire encoder, the ModelProto encoding and a graph builder.
export { GraphBuilder, type NodeOptions } from './builder.ts';
export { encodeModel, elemTypeOf, type Attribute, type ElemType, type Graph, type Initializer, type ModelOptions, type Node, type TensorData, type ValueInfo } from './model.ts';
export { addBlockLinear, type BlockLinearParams } from './layers.ts';
export { addConv, addBatchNorm, addMaxPool, addAdaptiveAvgPool, type ConvParams, type BatchNormParams, type PoolParams } from './conv-layers.ts';
export { ProtoWriter, littleEndianBytes } from './protobuf.ts';
