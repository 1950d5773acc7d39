// Bundled into the page of test/browser-webgpu-gemm.test.ts: the three block GEMMs on the browser's WebGPU.
import { createWebGPUBackend } from '../src/backend/webgpu/index.ts';
import { type GemmCase, type GemmOutputs, runGemmCase } from './helpers/gemm-case.ts';

export interface GemmResult extends GemmOutputs {
  adapter: string;
}

async function runGemms(cases: GemmCase[]): Promise<GemmResult[]> {
  const b = await createWebGPUBackend();
  try {
    const adapter = String(b.info().details.adapter);
    const results: GemmResult[] = [];
    for (const c of cases) results.push({ adapter, ...(await runGemmCase(b, c)) });
    return results;
  } finally {
    b.dispose();
  }
}

Object.assign(globalThis, { runGemms });
