// Creates backends by name, once each; 'auto' prefers a hardware WebGPU adapter, then wasm, then the JS reference.
import type { Backend, BackendName } from './backend.ts';
import { referenceBackend } from './js/js-backend.ts';
import { reasonOf } from './warnings.ts';

export interface BackendOptions {
  /** Kernel threads of the wasm backend (default: every core). */
  threads?: number;
  /** wasm backend: false forces the plain-SIMD build (default: relaxed SIMD where the host validates it). */
  relaxedSimd?: boolean;
}

const created = new Map<string, Promise<Backend>>();

async function make(name: BackendName, options: BackendOptions): Promise<Backend> {
  switch (name) {
    case 'js':
      return referenceBackend;
    case 'wasm':
      return (await import('./wasm/index.ts')).createWasmBackend({ threads: options.threads, relaxedSimd: options.relaxedSimd });
    case 'webgpu':
      return (await import('./webgpu/index.ts')).createWebGPUBackend();
  }
}

/** A software adapter (SwiftShader) is right for tests but slower than the wasm kernels: 'auto' passes it by. */
function isSoftware(backend: Backend): boolean {
  return backend.info().details.software === true;
}

/** A backend and, when 'auto' did not get its first choice, why (for backendInfo() and one warning). */
export interface Chosen {
  backend: Backend;
  fallbackBecause?: string;
}

/**
 * The backend for `choice`, created once per set of options. A wasm request without threads or relaxedSimd
 * takes the wasm backend already running (the last one started), whatever its options.
 */
export async function createBackend(choice: BackendName | 'auto', options: BackendOptions = {}): Promise<Backend> {
  return (await chooseBackend(choice, options)).backend;
}

/** As createBackend, and for 'auto' why its first choice (a hardware WebGPU adapter) was passed by. */
export async function chooseBackend(choice: BackendName | 'auto', options: BackendOptions = {}): Promise<Chosen> {
  const { threads, relaxedSimd } = options;
  if (threads !== undefined && !(Number.isInteger(threads) && threads >= 1)) throw new Error(`init: threads must be a whole number >= 1, got ${String(threads)}`);
  if (relaxedSimd !== undefined && typeof relaxedSimd !== 'boolean') throw new Error(`init: relaxedSimd must be true or false, got ${String(relaxedSimd)}`);
  if (choice === 'auto') return chooseAuto(options);
  if (!['js', 'wasm', 'webgpu'].includes(choice)) throw new Error(`init: unknown backend '${choice}' (use 'auto', 'webgpu', 'wasm' or 'js')`);
  const unspecified = options.threads === undefined && options.relaxedSimd === undefined;
  if (choice === 'wasm' && unspecified && lastWasm) return { backend: await lastWasm };
  const key = choice === 'wasm' ? `wasm:${options.threads ?? 'all'}${options.relaxedSimd === false ? ':simd' : ''}` : choice;
  let backend = created.get(key);
  if (!backend) {
    backend = make(choice, options);
    created.set(key, backend);
    backend.catch(() => created.delete(key)); // a failed start may be retried
  }
  if (choice === 'wasm') lastWasm = backend;
  return { backend: await backend };
}

let lastWasm: Promise<Backend> | null = null;

/** 'auto': a hardware WebGPU adapter, else wasm, else the js reference; says why it passed each by. */
async function chooseAuto(options: BackendOptions): Promise<Chosen> {
  const passed: string[] = [];
  try {
    const gpu = await createBackend('webgpu', options);
    if (!isSoftware(gpu)) return { backend: gpu };
    passed.push(`webgpu: the adapter is a software one (${String(gpu.info().details.adapter ?? 'SwiftShader')}), slower than the wasm kernels`);
  } catch (err) {
    passed.push(`webgpu: ${reasonOf(err)}`);
  }
  try {
    return { backend: await createBackend('wasm', options), fallbackBecause: passed.join('; ') };
  } catch (err) {
    passed.push(`wasm: ${reasonOf(err)}`);
  }
  return { backend: await createBackend('js'), fallbackBecause: passed.join('; ') };
}
