// Finds a WebGPU implementation: the browser's navigator.gpu, or in Node Dawn's bindings (`webgpu`).
import { offerSwiftShader } from './swiftshader.ts';

interface DawnModule {
  create(flags: string[]): GPU;
  globals: object;
}

/** The platform's GPU object; in Node, loads the `webgpu` package and installs its globals. */
export async function findGPU(): Promise<GPU> {
  if (typeof navigator !== 'undefined' && navigator.gpu) return navigator.gpu;
  if (typeof process === 'undefined' || !process.versions?.node) {
    throw new Error('webgpu backend: no WebGPU adapter (this environment has no navigator.gpu)');
  }
  // Specifiers held in a variable keep bundlers from pulling Node-only modules into browser builds.
  const load = (specifier: string): Promise<unknown> => import(/* @vite-ignore */ specifier);
  const { existsSync } = (await load('node:fs')) as typeof import('node:fs');
  offerSwiftShader(existsSync);
  const dawn = (await load('webgpu')) as DawnModule;
  Object.assign(globalThis, dawn.globals);
  return dawn.create([]);
}
