// Property-based tests of every WebGPU kernel against the reference (Dawn in Node; SwiftShader without a
// GPU, which is slow: fewer runs). Where no adapter exists this fails; it never skips.
import { afterAll } from 'vitest';
import type { Backend } from '../src/backend/backend.ts';
import { createWebGPUBackend } from '../src/backend/webgpu/index.ts';
import { kernelProperties } from './helpers/kernel-properties.ts';

let backend: Backend | undefined;
const tried = new Map<string, number>();
afterAll(() => {
  backend?.dispose(); // Dawn keeps the process alive while a device lives
  console.log(`webgpu kernel properties: ${[...tried.values()].reduce((a, b) => a + b, 0)} inputs tried`);
});

kernelProperties('webgpu', async () => (backend = await createWebGPUBackend()), { runs: 12 }, tried);
