// The block-diagonal linear layer and its three GEMMs (ARCHITECTURE.md, sections 1 and 2). Dense linear is the G = 1 case.
import type { Activation, Precision } from '../backend/backend.ts';
import { blockShapeOf } from '../layout.ts';
import { type Tensor } from '../tensor.ts';
import { formatShape } from '../shapes.ts';
import { backendOf, empty, expectDType, record } from './core.ts';
import { geluGrad } from './activations.ts';
import { thresholdBackward } from './elementwise.ts';
import { sum } from './reduce.ts';
import { reshape } from './shape.ts';

const activations: Activation[] = ['none', 'relu', 'gelu', 'gelu_tanh'];

/** Options of `blockLinear` and `linear`: a fused activation and the GEMMs' precision. */
export interface BlockLinearOptions {
  /** Activation fused into the forward kernel: 'none' (default), 'relu', 'gelu' or 'gelu_tanh'. */
  activation?: Activation;
  /**
   * 'f16' (AMP): the three GEMMs read x, the weight and dY rounded to binary16 and accumulate in f32;
   * outputs, gradients and the (master) weight stay f32 tensors. Default 'f32'.
   */
  precision?: Precision;
}

/**
 * The block-diagonal linear layer: `y[b, g*O+o] = act(bias[g*O+o] + Σ_i x[b, g*I+i] · weight[g, o, i])`,
 * with x [B, G*I], weight packed [G, O, I] (TorchUncertainty's PackedLinear weight), bias [G*O] or null,
 * y [B, G*O]; all f32. The activation is fused into the GEMM.
 * @throws Error when the shapes do not fit together (naming both), a tensor is not f32, the activation or
 * precision is unknown, or a tensor is disposed.
 */
export function blockLinear(x: Tensor, weight: Tensor, bias: Tensor | null = null, options: BlockLinearOptions = {}): Tensor {
  const op = 'blockLinear';
  const activation = options.activation ?? 'none';
  const precision = options.precision ?? 'f32';
  if (precision !== 'f32' && precision !== 'f16') throw new Error(`${op}: precision must be 'f32' or 'f16', got '${precision}'`);
  if (!activations.includes(activation)) throw new Error(`${op}: activation must be 'none', 'relu', 'gelu' or 'gelu_tanh', got '${activation}'`);
  const { B, G, I, O } = blockShapeOf(op, x.shape, weight.shape, bias?.shape ?? null);
  const shape = { B, G, I, O, precision };
  expectDType(op, x, 'f32', 'input');
  expectDType(op, weight, 'f32', 'weight');
  if (bias) expectDType(op, bias, 'f32', 'bias');
  const backend = bias ? backendOf(op, x, weight, bias) : backendOf(op, x, weight);
  const y = empty([B, G * O], 'f32', backend);
  // GELU's gradient reads the pre-activation z: the kernel writes it beside y, and z gets the GEMMs' node.
  const z = activation === 'gelu' || activation === 'gelu_tanh' ? empty(y.shape, 'f32', backend) : null;
  backend.blockLinear(x.storageOf(op), weight.storageOf(op), bias?.storageOf(op) ?? null, y.storageOf(op), shape, activation, z?.storageOf(op) ?? null);
  const inputs = bias ? [x, weight, bias] : [x, weight];
  if (z) {
    record(z, op, inputs, gemmGrads);
    record(y, 'gelu', [z], (dy) => [geluGrad(z, dy, activation === 'gelu' ? 'none' : 'tanh')]);
    z.dispose(); // the graph keeps it while y's node may still need it
    return y;
  }
  return record(y, op, inputs, (dy) => gemmGrads(activation === 'relu' ? thresholdBackward(dy, y) : dy));

  /** dx and dW (the two backward GEMMs) and db = Σ_b dy, from dy, the gradient at the pre-activation. */
  function gemmGrads(dy: Tensor): (Tensor | null)[] {
    const dx = x.requiresGrad ? empty(x.shape, 'f32', backend) : null;
    const dw = weight.requiresGrad ? empty(weight.shape, 'f32', backend) : null;
    backend.blockLinearGrads(dy.storageOf(op), x.storageOf(op), weight.storageOf(op), dx?.storageOf(op) ?? null, dw?.storageOf(op) ?? null, shape);
    return [dx, dw, bias?.requiresGrad ? sum(dy, 0) : null]; // no GEMM: f32 at any precision
  }
}

/**
 * Dense y = x·Wᵀ + b with x [B, in], weight [out, in] (PyTorch's layout), bias [out] or null, all f32 -> y [B, out],
 * as torch.nn.functional.linear (PyTorch 1.13) plus a fused activation: blockLinear with G = 1.
 * @throws Error as blockLinear: a shape, dtype, activation or precision that does not fit, tensors on different
 *   backends, or a disposed tensor.
 */
export function linear(x: Tensor, weight: Tensor, bias: Tensor | null = null, options: BlockLinearOptions = {}): Tensor {
  if (weight.rank !== 2) throw new Error(`linear: weight must be [out, in], got ${formatShape(weight.shape)}`);
  const packed = reshape(weight, [1, ...weight.shape]);
  const y = blockLinear(x, packed, bias, options);
  packed.dispose();
  return y;
}
