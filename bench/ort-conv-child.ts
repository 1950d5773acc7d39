// onnxruntime-web (wasm) timing the forward of an exported conv model (an ONNX file written by
// io.exportOnnx) at each batch size. A process of its own per thread count: onnxruntime-web fixes its
// thread pool once per process. Input: one JSON argument (OrtConvJob); output: one JSON line (OrtConvReport).
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-web';
import type { OrtConvJob, OrtConvReport } from './lib/conv-ort.ts';
import { timeRuns } from './lib/timing.ts';

const job = JSON.parse(process.argv[2]) as OrtConvJob;
ort.env.wasm.numThreads = job.threads;
const session = await ort.InferenceSession.create(readFileSync(job.modelPath), { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
const report: OrtConvReport = { threads: ort.env.wasm.numThreads ?? job.threads, version: ort.env.versions.web ?? '', ms: [] };
for (const batch of job.batches) {
  const x = Float32Array.from({ length: batch * job.channels * job.size * job.size }, () => Math.random() * 2 - 1);
  const feeds = { input: new ort.Tensor('float32', x, [batch, job.channels, job.size, job.size]) };
  report.ms.push(await timeRuns(() => session.run(feeds), job.timing));
}
await session.release();
process.stdout.write(`${JSON.stringify(report)}\n`);
