export { createWebGPUBackend, type WebGPUOptions } from './create.ts';
