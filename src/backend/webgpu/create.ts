// Creates the WebGPU backend: adapter and device with the adapter's largest buffer limits.
import type { Backend } from '../backend.ts';
import { WebGPUBackend } from './webgpu-backend.ts';
import { findGPU } from './gpu.ts';

export interface WebGPUOptions {
  /** A GPU object to use instead of navigator.gpu / the `webgpu` package. */
  gpu?: GPU;
  powerPreference?: GPUPowerPreference;
  /**
   * Folds every dispatch within this many workgroups per dimension, when below the adapter's limit (65,535
   * at least): lets tests drive the x, y and z folding of every kernel with small tensors.
   */
  maxWorkgroupsPerDimension?: number;
}

/**
 * The WebGPU backend on the platform's GPU (or options.gpu).
 * @throws Error when there is no adapter, naming what is missing (in Node: the `webgpu` package, the Vulkan
 *   loader, or a driver), or when the device cannot be created.
 */
export async function createWebGPUBackend(options: WebGPUOptions = {}): Promise<Backend> {
  const found = options.gpu ? { gpu: options.gpu, noAdapter: () => 'the GPU object passed in offers no adapter' } : await findGPU();
  const gpu = found.gpu;
  const adapter = await gpu.requestAdapter({ powerPreference: options.powerPreference });
  if (!adapter) throw new Error(`webgpu backend: no WebGPU adapter (${found.noAdapter()})`);
  const { maxStorageBufferBindingSize, maxBufferSize } = adapter.limits;
  const shaderF16 = adapter.features.has('shader-f16'); // native f16 arithmetic in the block GEMMs at precision 'f16'
  const device = await adapter.requestDevice({
    requiredLimits: { maxStorageBufferBindingSize, maxBufferSize },
    requiredFeatures: shaderF16 ? ['shader-f16'] : [],
  });
  return new WebGPUBackend(gpu, device, adapter.info, shaderF16, options.maxWorkgroupsPerDimension);
}
