// Property-based tests of every wasm kernel against the reference, on 1 and 3 threads (3 splits work unevenly).
import { afterAll } from 'vitest';
import type { Backend } from '../src/backend/backend.ts';
import { createWasmBackend } from '../src/backend/wasm/index.ts';
import { kernelProperties } from './helpers/kernel-properties.ts';

const created: Backend[] = [];
const tried = new Map<string, number>();
afterAll(() => {
  created.forEach((b) => b.dispose());
  console.log(`wasm kernel properties: ${[...tried.values()].reduce((a, b) => a + b, 0)} inputs tried`);
});

for (const threads of [1, 3]) {
  kernelProperties(`wasm, ${threads} thread${threads > 1 ? 's' : ''}`, async () => {
    const b = await createWasmBackend({ threads });
    created.push(b);
    return b;
  }, { runs: 60 }, tried);
}
