// One peer's timing of the packed ResNet-18 in a process of its own, so that a peer far slower than the
// others can be stopped at a time limit (jax-js's and tfjs's work runs on the calling thread: in-process it
// cannot be interrupted). Input: one JSON argument (ConvPeerJob); output: one JSON line (ConvPeerReport).
import { jaxConvForward, jaxConvTraining } from './lib/conv-jax.ts';
import type { ConvPeerJob, ConvPeerReport } from './lib/conv-peers.ts';
import { tfjsConvTraining, useTfjsCpu } from './lib/conv-tfjs.ts';
import { loadJax } from './lib/jax.ts';
import { loadTfjs } from './lib/tfjs.ts';
import { timeRuns } from './lib/timing.ts';

const job = JSON.parse(process.argv[2]) as ConvPeerJob;
let report: ConvPeerReport;
if (job.library === 'jax-js') {
  const jax = await loadJax();
  const w = job.pass === 'forward' ? jaxConvForward(jax, job.model) : jaxConvTraining(jax, job.model);
  report = { backend: 'wasm', threads: jax.threads, ms: await timeRuns(() => w.step(), job.timing) };
  w.dispose();
} else {
  const { tf } = await loadTfjs();
  const backend = await useTfjsCpu(tf); // tfjs-backend-wasm has no Conv2DBackpropFilter (4.22)
  const w = tfjsConvTraining(tf, job.model);
  report = { backend, threads: 1, ms: await timeRuns(() => w.step(), job.timing) };
  w.dispose();
}
process.stdout.write(`${JSON.stringify(report)}\n`);
process.exit(0);
