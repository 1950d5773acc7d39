// The WebGPU grid of `npm run bench` (Dawn in Node) written into a folder of its own, BENCHMARKS.md left alone:
// what scripts/gpu-check.sh runs. Run: npx tsx bench/webgpu-node.ts [--quick] [--out bench/results/gpu]
import { enableRelaxedSimd } from './lib/relaxed-simd.ts';
import { parseGpuScriptOptions } from './lib/options.ts';
import { repoPath } from './lib/output.ts';
import { mkdirSync } from 'node:fs';
import { benchWebGPU } from './webgpu.ts';

const args = process.argv.slice(2);
const { quick, out: dir } = parseGpuScriptOptions(args);
enableRelaxedSimd();
mkdirSync(repoPath(dir), { recursive: true });
await benchWebGPU(quick, `npx tsx bench/webgpu-node.ts ${args.join(' ')}`.trim(), { dir, markdown: null });
process.exit(0);
