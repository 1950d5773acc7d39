// ONNX export for inference, built with the shared ONNX writer (src/io/onnx). Each packed linear layer is
// the writer's block-linear sequence (Reshape to [batch, G, I], one batched MatMul with the weight as
// [G, I, O], back to [batch, G*O], Add bias): G small GEMMs in one node, which every ONNX runtime and
// execution provider runs, rather than a grouped 1x1 Conv around Unsqueeze/Squeeze. The convolutional
// models are written by onnx-export-conv.ts.
import { PackedLeNet } from '../nn/packed-lenet.ts';
import { PackedResNet } from '../nn/packed-resnet.ts';
import { PackedMLP } from '../nn/packed.ts';
import { GraphBuilder } from './onnx/index.ts';
import { exportConvOnnx, type ConvExportOptions } from './onnx-export-conv.ts';
import { addEnsembleOutputs, addPackedLinearLayer, OPSET } from './onnx-parts.ts';

export type { ConvExportOptions } from './onnx-export-conv.ts';

async function exportMLP(model: PackedMLP, docString: string): Promise<Uint8Array> {
  const g = new GraphBuilder('packed_mlp');
  let h = g.input('input', 'float32', ['batch', model.layers[0].inFeatures]);
  for (const [k, layer] of model.layers.entries()) h = await addPackedLinearLayer(g, h, layer, `layers.${k}`);
  addEnsembleOutputs(g, h, model.numEstimators, model.numClasses);
  return g.encode({ opset: OPSET, docString });
}

/**
 * The model as ONNX bytes (opset 17) for inference: outputs `logits` [batch, M*C] (packed, as
 * `model.forward`), `probabilities` [batch, M, C] (each estimator's softmax) and `mean` [batch, C] (the
 * ensemble's prediction). Input `input`: [batch, inFeatures] for a PackedMLP; [batch, inChannels, height,
 * width] for a PackedLeNet or PackedResNet, exported in eval mode (see `ConvExportOptions` for the image size).
 * @param options a doc string, or for the conv models `ConvExportOptions`.
 * @throws Error for any other model (naming its class), and as `exportConvOnnx` for a conv model that cannot be written.
 */
export async function exportOnnx(model: PackedMLP | PackedLeNet | PackedResNet, options: string | ConvExportOptions = {}): Promise<Uint8Array> {
  const opts = typeof options === 'string' ? { docString: options } : options;
  if (model instanceof PackedLeNet || model instanceof PackedResNet) return exportConvOnnx(model, opts);
  if (model instanceof PackedMLP) return exportMLP(model, opts.docString ?? 'blockgrad PackedMLP');
  const name = (model as object | null)?.constructor?.name ?? String(model);
  throw new Error(`exportOnnx: a ${name} cannot be exported; exportOnnx writes a PackedMLP, PackedLeNet or PackedResNet`);
}
