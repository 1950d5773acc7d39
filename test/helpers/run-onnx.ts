// An exported ONNX model run by onnxruntime-web (its wasm execution provider), as a user of the export would.
import * as ort from 'onnxruntime-web';
import { expect } from 'vitest';

/**
 * Runs the ONNX bytes on one float32 input of `shape`, asserting the export's input and output names; returns
 * the outputs by name (logits, probabilities, mean).
 */
export async function runOnnx(bytes: Uint8Array, x: Float32Array, shape: number[]): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(bytes, { executionProviders: ['wasm'] });
  expect(session.inputNames).toEqual(['input']);
  expect(session.outputNames).toEqual(['logits', 'probabilities', 'mean']);
  const out = await session.run({ input: new ort.Tensor('float32', x, shape) });
  await session.release();
  return out;
}
