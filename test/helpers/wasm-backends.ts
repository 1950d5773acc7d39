// wasm backends made by a test file, all disposed after its last test.
import { afterAll } from 'vitest';
import type { Backend } from '../../src/backend/backend.ts';
import { createWasmBackend, type WasmBackendOptions } from '../../src/backend/wasm/index.ts';

/** Returns a maker of wasm backends; every backend it made is disposed after the file's tests. */
export function wasmBackends(): (options: WasmBackendOptions) => Promise<Backend> {
  const created: Backend[] = [];
  afterAll(() => {
    for (const b of created) b.dispose();
  });
  return async (options) => {
    const b = await createWasmBackend(options);
    created.push(b);
    return b;
  };
}
