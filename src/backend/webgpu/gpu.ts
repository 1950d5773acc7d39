// Finds a WebGPU implementation: the browser's navigator.gpu, or in Node Dawn's bindings (`webgpu`).

interface DawnModule {
  create(flags: string[]): GPU;
  globals: object;
}

const swiftShaderIcd = '/usr/lib/chromium/vk_swiftshader_icd.json';

/** The platform's GPU object; in Node, loads the `webgpu` package and installs its globals. */
export async function findGPU(): Promise<GPU> {
  if (typeof navigator !== 'undefined' && navigator.gpu) return navigator.gpu;
  if (typeof process === 'undefined' || !process.versions?.node) {
    throw new Error('webgpu backend: no WebGPU adapter (this environment has no navigator.gpu)');
  }
  // Specifiers held in a variable keep bundlers from pulling Node-only modules into browser builds.
  const load = (specifier: string): Promise<unknown> => import(/* @vite-ignore */ specifier);
  const fs = (await load('node:fs')) as typeof import('node:fs');
  const env = process.env;
  // Without a GPU, Debian's chromium ships SwiftShader; adding it (not replacing, as VK_ICD_FILENAMES would) keeps real GPUs first.
  if (!env.VK_ICD_FILENAMES && !env.VK_DRIVER_FILES && !env.VK_ADD_DRIVER_FILES && fs.existsSync(swiftShaderIcd)) {
    env.VK_ADD_DRIVER_FILES = swiftShaderIcd;
  }
  const dawn = (await load('webgpu')) as DawnModule;
  Object.assign(globalThis, dawn.globals);
  return dawn.create([]);
}
