// ONNX ModelProto encoding (onnx.proto field numbers): a graph of nodes with typed, shaped inputs and
// outputs, initializers stored as raw little-endian data, attributes, and one opset import.
import { littleEndianBytes, ProtoWriter } from './protobuf.ts';
import { sizeOf } from '../../shapes.ts';

export type ElemType = 'float32' | 'float64' | 'int32' | 'int64';
export type TensorData = Float32Array | Float64Array | Int32Array | BigInt64Array;

/** A graph input or output: a dimension is a size or a symbolic name (e.g. 'batch'). */
export interface ValueInfo {
  name: string;
  type: ElemType;
  shape: (number | string)[];
}

/** A constant tensor (a weight, a shape operand). */
export interface Initializer {
  name: string;
  dims: number[];
  data: TensorData;
}

export type Attribute =
  | { float: number }
  | { int: number }
  | { string: string }
  | { floats: number[] }
  | { ints: number[] }
  | { strings: string[] }
  | { tensor: Initializer };

export interface Node {
  opType: string;
  inputs: string[];
  outputs: string[];
  name?: string;
  domain?: string;
  attributes?: Record<string, Attribute>;
}

export interface Graph {
  name: string;
  nodes: Node[];
  inputs: ValueInfo[];
  outputs: ValueInfo[];
  initializers?: Initializer[];
}

export interface ModelOptions {
  /** Default opset 17 (IR version 8). */
  opset?: number;
  irVersion?: number;
  producerName?: string;
  producerVersion?: string;
  docString?: string;
}

/** TensorProto.DataType codes. */
const dataTypeCode: Record<ElemType, number> = { float32: 1, int32: 6, int64: 7, float64: 11 };

/** AttributeProto.AttributeType codes. */
const AttributeType = { float: 1, int: 2, string: 3, tensor: 4, floats: 6, ints: 7, strings: 8 } as const;

export function elemTypeOf(data: TensorData): ElemType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  return 'int64';
}

/** The serialised ModelProto, ready for an .onnx file or `InferenceSession.create(bytes)`. */
export function encodeModel(graph: Graph, options: ModelOptions = {}): Uint8Array {
  const w = new ProtoWriter()
    .int(1, options.irVersion ?? 8)
    .string(2, options.producerName ?? 'blockgrad');
  if (options.producerVersion) w.string(3, options.producerVersion);
  if (options.docString) w.string(6, options.docString);
  w.message(7, (g) => writeGraph(g, graph));
  w.message(8, (o) => o.string(1, '').int(2, options.opset ?? 17));
  return w.finish();
}

function writeGraph(w: ProtoWriter, graph: Graph): void {
  for (const node of graph.nodes) w.message(1, (n) => writeNode(n, node));
  w.string(2, graph.name);
  for (const init of graph.initializers ?? []) w.message(5, (t) => writeTensor(t, init));
  for (const input of graph.inputs) w.message(11, (v) => writeValueInfo(v, input));
  for (const output of graph.outputs) w.message(12, (v) => writeValueInfo(v, output));
}

function writeNode(w: ProtoWriter, node: Node): void {
  for (const input of node.inputs) w.string(1, input);
  for (const output of node.outputs) w.string(2, output);
  if (node.name) w.string(3, node.name);
  w.string(4, node.opType);
  for (const [name, value] of Object.entries(node.attributes ?? {})) w.message(5, (a) => writeAttribute(a, name, value));
  if (node.domain) w.string(7, node.domain);
}

function writeAttribute(w: ProtoWriter, name: string, attr: Attribute): void {
  w.string(1, name);
  if ('float' in attr) w.float(2, attr.float).int(20, AttributeType.float);
  else if ('int' in attr) w.int(3, attr.int).int(20, AttributeType.int);
  else if ('string' in attr) w.string(4, attr.string).int(20, AttributeType.string);
  else if ('tensor' in attr) w.message(5, (t) => writeTensor(t, attr.tensor)).int(20, AttributeType.tensor);
  else if ('floats' in attr) w.packedFloats(7, attr.floats).int(20, AttributeType.floats);
  else if ('ints' in attr) w.packedInts(8, attr.ints).int(20, AttributeType.ints);
  else {
    for (const s of attr.strings) w.string(9, s);
    w.int(20, AttributeType.strings);
  }
}

function writeTensor(w: ProtoWriter, t: Initializer): void {
  const count = sizeOf(t.dims);
  if (count !== t.data.length) throw new Error(`onnx: initializer '${t.name}' has dims [${t.dims}] (${count} values) but ${t.data.length} values`);
  w.packedInts(1, t.dims).int(2, dataTypeCode[elemTypeOf(t.data)]).string(8, t.name).bytes(9, littleEndianBytes(t.data));
}

function writeValueInfo(w: ProtoWriter, v: ValueInfo): void {
  w.string(1, v.name);
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.int(1, dataTypeCode[v.type]);
      tensor.message(2, (shape) => {
        for (const d of v.shape) shape.message(1, (dim) => (typeof d === 'number' ? dim.int(1, d) : dim.string(2, d)));
      });
    }));
}
