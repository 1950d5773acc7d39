// The window kernels of the WebGPU backend (Dawn in Node; SwiftShader without a GPU) against the reference.
import { afterAll } from 'vitest';
import type { Backend } from '../src/backend/backend.ts';
import { createWebGPUBackend } from '../src/backend/webgpu/index.ts';
import { windowKernelSuite } from './helpers/window-kernel-suite.ts';

let gpu: Promise<Backend> | null = null;
windowKernelSuite('webgpu', () => (gpu ??= createWebGPUBackend()));
// Dawn keeps the process alive while a device lives.
afterAll(async () => (await gpu)?.dispose());
