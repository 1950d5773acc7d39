// The serving benchmark's onnxruntime-web side: a worker thread holding one InferenceSession (wasm
// execution provider) on the model's ONNX export. workerData: { onnx: Uint8Array, threads: number }.
// Messages in: { x: Float32Array, n } (rows); out: { probabilities, mean } (Float32Arrays, transferred),
// or { error }. The first message out is { ready: true, threads } once the session exists.
import { parentPort, workerData } from 'node:worker_threads';
import * as ort from 'onnxruntime-web';

ort.env.wasm.numThreads = workerData.threads;
try {
  const session = await ort.InferenceSession.create(workerData.onnx, { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
  parentPort.postMessage({ ready: true, threads: ort.env.wasm.numThreads ?? workerData.threads, version: ort.env.versions.web ?? '' });
  parentPort.on('message', async ({ x, n }) => {
    try {
      const out = await session.run({ input: new ort.Tensor('float32', x, [n, x.length / n]) }, ['probabilities', 'mean']);
      const probabilities = out.probabilities.data, mean = out.mean.data;
      parentPort.postMessage({ probabilities, mean }, [probabilities.buffer, mean.buffer]);
    } catch (e) {
      parentPort.postMessage({ error: String(e) });
    }
  });
} catch (e) {
  parentPort.postMessage({ error: `onnxruntime-web session failed: ${String(e)}` });
}
