// npm run bench [-- --quick] [--threads 1,2] [--webgpu-full]: everything this machine can run: the wasm
// grid, whole training steps, a profile of one step, serving through a worker (beside onnxruntime-web), the packed ResNet-18 and
// grouped convolutions, and the WebGPU grid where an adapter exists (on a software adapter such as
// SwiftShader its quick subset, labelled CPU timings, unless --webgpu-full). `--only <section>` runs one of
// them (`--backend wasm|webgpu` is --only wasm|webgpu). Progress on stderr; tables on stdout; results, charts and BENCHMARKS.md (see output.ts).
import { probeAdapter } from './lib/adapter.ts';
import { writeSection } from './lib/markdown.ts';
import { parseOptions } from './lib/options.ts';
import { outputFor } from './lib/output.ts';
import { overviewSection } from './lib/overview.ts';
import { enableRelaxedSimd } from './lib/relaxed-simd.ts';
import { benchConv } from './conv.ts';
import { benchProfile } from './profile.ts';
import { benchServing } from './serving.ts';
import { benchTraining } from './training.ts';
import { benchWasm } from './wasm.ts';
import { benchWebGPU } from './webgpu.ts';

let options;
try {
  options = parseOptions(process.argv.slice(2));
} catch (e) {
  console.error((e as Error).message);
  process.exit(2);
}
const command = `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`;
const out = outputFor(options.quick);
enableRelaxedSimd(); // before any kernel module compiles

if (options.only === 'webgpu') await benchWebGPU(options.quick, command, out);
else if (options.only === 'wasm') await benchWasm(options, command, out);
else if (options.only === 'training') await benchTraining({ ...options, adapter: await probeAdapter() }, command, out);
else if (options.only === 'profile') await benchProfile(options.threads, command, out);
else if (options.only === 'serving') await benchServing(options, command, out);
else if (options.only === 'conv') await benchConv(options, command, out);
else {
  const adapter = await probeAdapter();
  const wasm = await benchWasm(options, command, out);
  const training = await benchTraining({ ...options, adapter }, command, out);
  await benchProfile(options.threads, command, out);
  await benchServing(options, command, out);
  await benchConv(options, command, out);
  const charts = [wasm.charts[0], training.chart]; // the headline ones; each section links all of its own
  let webgpuScope: string;
  if (adapter.kind === 'none') webgpuScope = `not run: no WebGPU adapter (${adapter.reason})`;
  else {
    const quick = options.quick || (adapter.kind === 'software' && !options.webgpuFull);
    webgpuScope = adapter.kind === 'software'
      ? `${quick ? 'the quick subset' : 'the whole grid (--webgpu-full)'} on a software adapter: SwiftShader (CPU), not a GPU figure`
      : `the ${quick ? 'quick subset' : 'whole grid'} on ${adapter.adapter}`;
    await benchWebGPU(quick, command, out);
  }
  if (out.markdown) writeSection(out.markdown, 'overview', overviewSection({ command, wasm: wasm.result, training: training.result, adapter, webgpuScope, charts, dir: out.dir }));
}
process.exit(0); // the peers' worker pools and Dawn's device must not keep the process alive
