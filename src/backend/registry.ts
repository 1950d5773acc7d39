// Creates backends by name, once each; 'auto' prefers WebGPU, then wasm, then the JS reference.
import type { Backend, BackendName } from './backend.ts';
import { referenceBackend } from './js/index.ts';

export interface BackendOptions {
  threads?: number;
}

const created = new Map<BackendName, Promise<Backend>>();

async function make(name: BackendName, options: BackendOptions): Promise<Backend> {
  switch (name) {
    case 'js':
      return referenceBackend;
    case 'wasm':
      return (await import('./wasm/index.ts')).createWasmBackend({ threads: options.threads });
    case 'webgpu':
      return (await import('./webgpu/index.ts')).createWebGPUBackend();
  }
}

export async function createBackend(choice: BackendName | 'auto', options: BackendOptions = {}): Promise<Backend> {
  if (choice === 'auto') {
    for (const name of ['webgpu', 'wasm'] as const) {
      try {
        return await createBackend(name, options);
      } catch {
        // not available here: try the next one
      }
    }
    return createBackend('js');
  }
  if (!['js', 'wasm', 'webgpu'].includes(choice)) throw new Error(`init: unknown backend '${choice}' (use 'auto', 'webgpu', 'wasm' or 'js')`);
  let backend = created.get(choice);
  if (!backend) {
    backend = make(choice, options);
    created.set(choice, backend);
    backend.catch(() => created.delete(choice)); // a failed start may be retried
  }
  return backend;
}
