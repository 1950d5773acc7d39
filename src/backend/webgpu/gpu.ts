// Finds a WebGPU implementation: the browser's navigator.gpu, or in Node Dawn's bindings (`webgpu`, an
// optional peer dependency of the package).
import { noAdapterReason, prepareVulkan } from './swiftshader.ts';

interface DawnModule {
  create(flags: string[]): GPU;
  globals: object;
}

/** What Node imports for Dawn: the package name, or the file URL a worker's host resolved (see useDawnModule). */
let dawnModule = 'webgpu';

/**
 * @internal Makes findGPU import Dawn from `url` (a file URL). The inference worker's code is evaluated
 * from a string, so a bare `webgpu` would resolve from the working directory, not from where the library is
 * installed; its host resolves the package and passes the URL.
 */
export function useDawnModule(url: string): void {
  dawnModule = url;
}

export interface FoundGPU {
  gpu: GPU;
  /** Why this GPU object offers no adapter, should it offer none. */
  noAdapter(): string;
}

/**
 * The platform's GPU object; in Node, loads the `webgpu` package and installs its globals.
 * @throws Error when there is no navigator.gpu outside Node, or the `webgpu` package is not installed (with the command that installs it).
 */
export async function findGPU(): Promise<FoundGPU> {
  if (typeof navigator !== 'undefined' && navigator.gpu) {
    return { gpu: navigator.gpu, noAdapter: () => 'the browser exposes navigator.gpu but offers no adapter: WebGPU may be disabled or blocklisted' };
  }
  if (typeof process === 'undefined' || !process.versions?.node) {
    throw new Error('webgpu backend: no WebGPU adapter (this environment has no navigator.gpu)');
  }
  // Specifiers held in a variable keep bundlers from pulling Node-only modules into browser builds.
  const load = (specifier: string): Promise<unknown> => import(/* @vite-ignore */ specifier);
  const { existsSync } = (await load('node:fs')) as typeof import('node:fs');
  const setup = process.platform === 'linux' ? prepareVulkan(existsSync) : null;
  let dawn: DawnModule;
  try {
    dawn = (await load(dawnModule)) as DawnModule;
  } catch (err) {
    const code = (err as { code?: string }).code;
    if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') throw err;
    throw new Error('webgpu backend: WebGPU in Node needs the `webgpu` package (Dawn), an optional peer dependency of blockgrad: install it with `npm install webgpu`', { cause: err });
  }
  Object.assign(globalThis, dawn.globals);
  return {
    gpu: dawn.create([]),
    noAdapter: () => (setup ? noAdapterReason(setup, existsSync) : 'Dawn found no Vulkan/Metal/D3D12 device'),
  };
}
