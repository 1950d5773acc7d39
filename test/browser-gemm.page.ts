// Bundled into the page of test/browser-gemm.test.ts: the three block GEMMs on a backend of the browser's.
import type { Backend } from '../src/backend/backend.ts';
import { createWasmBackend } from '../src/backend/wasm/index.ts';
import { createWebGPUBackend } from '../src/backend/webgpu/index.ts';
import { type GemmCase, type GemmOutputs, runGemmCase } from './helpers/gemm-case.ts';

export interface GemmRun {
  /** What the backend reports about itself in this page (adapter, threads, SIMD build…). */
  details: Record<string, string | number | boolean>;
  outputs: GemmOutputs[];
}

async function runGemms(backend: 'webgpu' | 'wasm', cases: GemmCase[], threads?: number): Promise<GemmRun> {
  const b: Backend = backend === 'webgpu' ? await createWebGPUBackend() : await createWasmBackend({ threads });
  try {
    const outputs: GemmOutputs[] = [];
    for (const c of cases) outputs.push(await runGemmCase(b, c));
    return { details: b.info().details, outputs };
  } finally {
    b.dispose();
  }
}

Object.assign(globalThis, { runGemms });
