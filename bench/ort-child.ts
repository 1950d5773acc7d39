// onnxruntime-web (wasm) timing the block-diagonal layer as one ONNX graph (batched MatMul), forward only.
// A process of its own per thread count: onnxruntime-web fixes its thread pool once per process.
// Input: one JSON argument (OrtJob); output: one JSON line (OrtReport) on stdout.
import * as ort from 'onnxruntime-web';
import { addBlockLinear, GraphBuilder } from '../src/io/onnx/index.ts';
import type { OrtJob, OrtReport } from './lib/ort.ts';
import { timeRuns } from './lib/timing.ts';
import type { Point } from './lib/types.ts';

function randomArray(n: number): Float32Array {
  return Float32Array.from({ length: n }, () => Math.random() * 2 - 1);
}

async function session(p: Point): Promise<ort.InferenceSession> {
  const g = new GraphBuilder('blockLinear');
  const x = g.input('x', 'float32', ['batch', p.M * p.F]);
  const y = addBlockLinear(g, x, { weight: randomArray(p.M * p.F * p.F), bias: randomArray(p.M * p.F), G: p.M, I: p.F, O: p.F }, 'layer');
  g.output(y, 'float32', ['batch', p.M * p.F]);
  return ort.InferenceSession.create(g.encode(), { executionProviders: ['wasm'], graphOptimizationLevel: 'all' });
}

const job = JSON.parse(process.argv[2]) as OrtJob;
ort.env.wasm.numThreads = job.threads;
const report: OrtReport = { threads: job.threads, version: ort.env.versions.web ?? '', ms: [] };
for (const p of job.points) {
  const s = await session(p);
  report.threads = ort.env.wasm.numThreads ?? job.threads; // after the first session: what onnxruntime-web settled on
  const feeds = { x: new ort.Tensor('float32', randomArray(p.B * p.M * p.F), [p.B, p.M * p.F]) };
  report.ms.push(await timeRuns(() => s.run(feeds), job.timing));
  await s.release();
}
process.stdout.write(`${JSON.stringify(report)}\n`);
