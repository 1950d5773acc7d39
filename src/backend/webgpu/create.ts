// Creates the WebGPU backend: adapter and device with the adapter's largest buffer limits.
import type { Backend } from '../backend.ts';
import { WebGPUBackend } from './backend.ts';
import { findGPU } from './gpu.ts';

export interface WebGPUOptions {
  /** A GPU object to use instead of navigator.gpu / the `webgpu` package. */
  gpu?: GPU;
  powerPreference?: GPUPowerPreference;
}

const noAdapterHint =
  typeof navigator !== 'undefined' && navigator.gpu
    ? 'the browser exposes navigator.gpu but offers no adapter: WebGPU may be disabled or blocklisted'
    : 'Dawn found no Vulkan/Metal/D3D12 device; on Linux without a GPU, `apt-get install chromium` provides SwiftShader';

export async function createWebGPUBackend(options: WebGPUOptions = {}): Promise<Backend> {
  const gpu = options.gpu ?? (await findGPU());
  const adapter = await gpu.requestAdapter({ powerPreference: options.powerPreference });
  if (!adapter) throw new Error(`webgpu backend: no WebGPU adapter (${noAdapterHint})`);
  const { maxStorageBufferBindingSize, maxBufferSize } = adapter.limits;
  const shaderF16 = adapter.features.has('shader-f16'); // native f16 arithmetic in the block GEMMs at precision 'f16'
  const device = await adapter.requestDevice({
    requiredLimits: { maxStorageBufferBindingSize, maxBufferSize },
    requiredFeatures: shaderF16 ? ['shader-f16'] : [],
  });
  return new WebGPUBackend(gpu, device, adapter.info, shaderF16);
}
