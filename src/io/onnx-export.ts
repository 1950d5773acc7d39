// ONNX export of a PackedMLP for inference, built with the shared ONNX writer (src/io/onnx). Each
// packed layer is the writer's block-linear sequence (Reshape to [batch, G, I], one batched MatMul
// with the weight as [G, I, O], back to [batch, G*O], Add bias): G small GEMMs in one node, which every
// ONNX runtime and execution provider runs, rather than a grouped 1x1 Conv around Unsqueeze/Squeeze.
import { type Activation, GELU_CUBIC, GELU_SCALE } from '../backend/backend.ts';
import type { PackedMLP } from '../nn/packed.ts';
import { addBlockLinear, GraphBuilder } from './onnx/index.ts';

/** GELU (tanh approximation) from opset-17 ops: ONNX has no Gelu op before opset 20. */
function addGelu(g: GraphBuilder, h: string, prefix: string): string {
  const scalar = (name: string, v: number): string => g.constant(`${prefix}.${name}`, Float32Array.from([v]), []);
  const cube = g.node('Mul', [g.node('Mul', [h, h]), h]);
  const inner = g.node('Mul', [g.node('Add', [h, g.node('Mul', [cube, scalar('gelu_cubic', GELU_CUBIC)])]), scalar('gelu_scale', GELU_SCALE)]);
  return g.node('Mul', [g.node('Mul', [h, scalar('half', 0.5)]), g.node('Add', [g.node('Tanh', [inner]), scalar('one', 1)])]);
}

/** How each fused activation is written after a layer (a new activation must be mapped here to compile). */
const activationNodes: Record<Activation, (g: GraphBuilder, h: string, prefix: string) => string> = {
  none: (_g, h) => h,
  relu: (g, h) => g.node('Relu', [h]),
  gelu: addGelu,
};

/** ReduceMean takes its axes as an attribute up to opset 17. */
const OPSET = 17;

/**
 * The model as ONNX bytes (opset 17). Input `input` [batch, inFeatures]; outputs `logits`
 * [batch, M*C] (packed, as `model.forward`), `probabilities` [batch, M, C] (each estimator's softmax)
 * and `mean` [batch, C] (the ensemble's prediction).
 */
export async function exportOnnx(model: PackedMLP, docString = 'blockgrad PackedMLP'): Promise<Uint8Array> {
  const M = model.numEstimators, C = model.numClasses;
  const g = new GraphBuilder('packed_mlp');
  let h = g.input('input', 'float32', ['batch', model.layers[0].inFeatures]);
  for (const [k, layer] of model.layers.entries()) {
    const [G, O, I] = layer.weight.shape;
    const weight = (await layer.weight.data()) as Float32Array;
    const bias = layer.bias ? ((await layer.bias.data()) as Float32Array) : null;
    h = activationNodes[layer.activation](g, addBlockLinear(g, h, { weight, bias, G, O, I }, `layers.${k}`), `layers.${k}`);
  }
  const logits = g.node('Identity', [h], { output: 'logits' });
  const perEstimator = g.node('Reshape', [logits, g.constant('estimator_shape', BigInt64Array.from([-1n, BigInt(M), BigInt(C)]))]);
  g.node('Softmax', [perEstimator], { attributes: { axis: { int: -1 } }, output: 'probabilities' });
  g.node('ReduceMean', ['probabilities'], { attributes: { axes: { ints: [1] }, keepdims: { int: 0 } }, output: 'mean' });
  g.output('logits', 'float32', ['batch', M * C]);
  g.output('probabilities', 'float32', ['batch', M, C]);
  g.output('mean', 'float32', ['batch', C]);
  return g.encode({ opset: OPSET, docString });
}
