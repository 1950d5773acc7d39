// Command-line options of `npm run bench`: with neither --only nor --backend, every section this machine can
// run (wasm grid, training steps, step profile, serving, conv, WebGPU grid where an adapter exists); --only
// one section; --backend wasm|webgpu one grid only (as --only wasm|webgpu); --threads 1,2 (wasm); --quick the
// small subset; --webgpu-full the whole WebGPU grid even on a software adapter.
import os from 'node:os';
import { parseArgs } from 'node:util';

/** The sections of a full run, in the order it runs them. */
export const sections = ['wasm', 'training', 'profile', 'serving', 'conv', 'webgpu'] as const;
export type Section = (typeof sections)[number];

export interface CliOptions {
  /** The one section to run, or 'all'. */
  only: 'all' | Section;
  threads: number[];
  quick: boolean;
  webgpuFull: boolean;
}

export const usage = `usage: npm run bench -- [--only ${sections.join('|')}] [--backend wasm|webgpu] [--threads 1,2] [--quick] [--webgpu-full]`;

export function parseOptions(argv: string[]): CliOptions {
  const cores = os.availableParallelism();
  const options: CliOptions = { only: 'all', threads: [...new Set([1, cores])], quick: false, webgpuFull: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${arg} needs a value\n${usage}`);
      return v;
    };
    if (arg === '--quick') options.quick = true;
    else if (arg === '--webgpu-full') options.webgpuFull = true;
    else if (arg === '--backend') {
      const b = value();
      if (b !== 'wasm' && b !== 'webgpu') throw new Error(`--backend ${b}: 'wasm' or 'webgpu'\n${usage}`);
      options.only = b;
    } else if (arg === '--only') {
      const section = value();
      if (!(sections as readonly string[]).includes(section)) throw new Error(`--only ${section}: one of ${sections.join(', ')}\n${usage}`);
      options.only = section as Section;
    } else if (arg === '--threads') {
      const list = value().split(',').map(Number);
      if (list.some((n) => !Number.isInteger(n) || n < 1)) throw new Error(`--threads takes positive integers separated by commas\n${usage}`);
      options.threads = [...new Set(list)].sort((a, b) => a - b);
    } else throw new Error(`unknown option ${arg}\n${usage}`);
  }
  return options;
}

/**
 * Options of the WebGPU scripts scripts/gpu-check.sh runs (bench/webgpu-node.ts, bench/webgpu-chromium.ts):
 * `[--quick] [--out <folder>]`, the folder relative to the repository root (default bench/results/gpu).
 * Throws on an unknown option or an --out without a folder.
 */
export function parseGpuScriptOptions(argv: string[]): { quick: boolean; out: string } {
  const { values } = parseArgs({ args: argv, options: { quick: { type: 'boolean', default: false }, out: { type: 'string', default: 'bench/results/gpu' } } });
  return { quick: values.quick, out: values.out };
}
