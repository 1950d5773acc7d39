// GraphBuilder: assembles an ONNX graph step by step (inputs, constants, nodes, outputs) and encodes it;
// the structure a model exporter fills in layer by layer.
import { encodeModel, type Attribute, type ElemType, type Graph, type Initializer, type ModelOptions, type Node, type TensorData, type ValueInfo } from './model.ts';

export interface NodeOptions {
  attributes?: Record<string, Attribute>;
  /** Name of the node's output; generated from the op type when absent. */
  output?: string;
  domain?: string;
}

export class GraphBuilder {
  private readonly nodes: Node[] = [];
  private readonly inputs: ValueInfo[] = [];
  private readonly outputs: ValueInfo[] = [];
  private readonly initializers: Initializer[] = [];
  private readonly names = new Set<string>();

  constructor(private readonly name = 'graph') {}

  /** Declares a graph input; returns its name. */
  input(name: string, type: ElemType, shape: (number | string)[]): string {
    this.inputs.push({ name: this.claim(name), type, shape });
    return name;
  }

  /** Adds a constant tensor (a weight, a shape operand); returns its name. */
  constant(name: string, data: TensorData, dims: number[] = [data.length]): string {
    this.initializers.push({ name: this.claim(name), dims, data });
    return name;
  }

  /** Adds a node with one output; returns the output's name. */
  node(opType: string, inputs: string[], options: NodeOptions = {}): string {
    for (const input of inputs) if (!this.names.has(input)) throw new Error(`onnx: node ${opType} reads '${input}', which nothing defines yet`);
    const output = options.output ? this.claim(options.output) : this.fresh(opType);
    const { attributes, domain } = options;
    this.nodes.push({ opType, inputs, outputs: [output], name: `${output}_node`, ...(attributes ? { attributes } : {}), ...(domain ? { domain } : {}) });
    return output;
  }

  /** Declares an existing value (an input, a constant or a node output) as a graph output. */
  output(name: string, type: ElemType, shape: (number | string)[]): void {
    if (!this.names.has(name)) throw new Error(`onnx: output '${name}' is not defined in graph '${this.name}'`);
    this.outputs.push({ name, type, shape });
  }

  build(): Graph {
    return { name: this.name, nodes: [...this.nodes], inputs: [...this.inputs], outputs: [...this.outputs], initializers: [...this.initializers] };
  }

  encode(options?: ModelOptions): Uint8Array {
    return encodeModel(this.build(), options);
  }

  private claim(name: string): string {
    if (this.names.has(name)) throw new Error(`onnx: the name '${name}' is already used in graph '${this.name}'`);
    this.names.add(name);
    return name;
  }

  private fresh(prefix: string): string {
    let k = this.nodes.length;
    while (this.names.has(`${prefix}_${k}`)) k++;
    return this.claim(`${prefix}_${k}`);
  }
}
