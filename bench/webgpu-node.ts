// The WebGPU grid of `npm run bench` (Dawn in Node) written into a folder of its own, BENCHMARKS.md left alone:
// what scripts/gpu-check.sh runs. Run: npx tsx bench/webgpu-node.ts [--quick] [--out bench/results/gpu]
import { enableRelaxedSimd } from './lib/relaxed-simd.ts';
import { repoPath } from './lib/output.ts';
import { mkdirSync } from 'node:fs';
import { benchWebGPU } from './webgpu.ts';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const dir = args.includes('--out') ? args[args.indexOf('--out') + 1] : 'bench/results/gpu';
enableRelaxedSimd();
mkdirSync(repoPath(dir), { recursive: true });
await benchWebGPU(quick, `npx tsx bench/webgpu-node.ts ${args.join(' ')}`.trim(), { dir, markdown: null });
process.exit(0);
