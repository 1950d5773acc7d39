// What every exported packed model shares: a packed linear layer with its fused activation, and the
// ensemble's three outputs (packed logits, each estimator's probabilities, their mean).
import { type Activation, GELU_CUBIC, GELU_SCALE } from '../backend/backend.ts';
import type { BlockLinear } from '../nn/linear.ts';
import { addBlockLinear, type GraphBuilder } from './onnx/index.ts';

/** ReduceMean takes its axes as an attribute up to opset 17; Conv, BatchNormalization and the pools are all in 17. */
export const OPSET = 17;

/** nn.GELU(), 0.5·h·(1 + erf(h/√2)), from opset-17 ops (Erf is in ONNX since opset 9; Gelu only since 20). */
function addGelu(g: GraphBuilder, h: string, prefix: string): string {
  const scalar = (name: string, v: number): string => g.constant(`${prefix}.${name}`, Float32Array.from([v]), []);
  const erf = g.node('Erf', [g.node('Mul', [h, scalar('sqrt1_2', Math.SQRT1_2)])]);
  return g.node('Mul', [g.node('Mul', [h, scalar('half', 0.5)]), g.node('Add', [erf, scalar('one', 1)])]);
}

/** nn.GELU(approximate='tanh') from opset-17 ops. */
function addGeluTanh(g: GraphBuilder, h: string, prefix: string): string {
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
  gelu_tanh: addGeluTanh,
};

/** A packed (block-diagonal) linear layer on h [batch, G·I], its fused activation after it; constants named after prefix. */
export async function addPackedLinearLayer(g: GraphBuilder, h: string, layer: BlockLinear, prefix: string): Promise<string> {
  const [G, O, I] = layer.weight.shape;
  const weight = (await layer.weight.data()) as Float32Array;
  const bias = layer.bias ? ((await layer.bias.data()) as Float32Array) : null;
  return activationNodes[layer.activation](g, addBlockLinear(g, h, { weight, bias, G, O, I }, prefix), prefix);
}

/**
 * Declares the outputs from packed logits h [batch, M·C]: `logits` [batch, M·C] (as `model.forward`),
 * `probabilities` [batch, M, C] (each estimator's softmax) and `mean` [batch, C] (the ensemble's prediction).
 */
export function addEnsembleOutputs(g: GraphBuilder, h: string, numEstimators: number, numClasses: number): void {
  const M = numEstimators, C = numClasses;
  const logits = g.node('Identity', [h], { output: 'logits' });
  const perEstimator = g.node('Reshape', [logits, g.constant('estimator_shape', BigInt64Array.from([-1n, BigInt(M), BigInt(C)]))]);
  g.node('Softmax', [perEstimator], { attributes: { axis: { int: -1 } }, output: 'probabilities' });
  g.node('ReduceMean', ['probabilities'], { attributes: { axes: { ints: [1] }, keepdims: { int: 0 } }, output: 'mean' });
  g.output('logits', 'float32', ['batch', M * C]);
  g.output('probabilities', 'float32', ['batch', M, C]);
  g.output('mean', 'float32', ['batch', C]);
}
