// Creates backends by name, once each; 'auto' prefers a hardware WebGPU adapter, then wasm, then the JS reference.
import type { Backend, BackendName } from './backend.ts';
import { referenceBackend } from './js/index.ts';

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

export async function createBackend(choice: BackendName | 'auto', options: BackendOptions = {}): Promise<Backend> {
  if (choice === 'auto') {
    try {
      const gpu = await createBackend('webgpu', options);
      if (!isSoftware(gpu)) return gpu;
    } catch {
      // no adapter here: use the CPU path
    }
    try {
      return await createBackend('wasm', options);
    } catch {
      return createBackend('js');
    }
  }
  if (!['js', 'wasm', 'webgpu'].includes(choice)) throw new Error(`init: unknown backend '${choice}' (use 'auto', 'webgpu', 'wasm' or 'js')`);
  const key = choice === 'wasm' ? `wasm:${options.threads ?? 'all'}${options.relaxedSimd === false ? ':simd' : ''}` : choice;
  let backend = created.get(key);
  if (!backend) {
    backend = make(choice, options);
    created.set(key, backend);
    backend.catch(() => created.delete(key)); // a failed start may be retried
  }
  return backend;
}
