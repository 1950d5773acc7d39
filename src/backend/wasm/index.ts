// createWasmBackend: the AssemblyScript SIMD kernels over one WebAssembly.Memory, on a pool of kernel workers.
import type { Backend } from '../backend.ts';
import { Allocator } from './allocator.ts';
import { CONTROL_BYTES } from './control.ts';
import { coreCount, sharedMemoryBlocker } from './environment.ts';
import { compileKernels, type Kernels } from './module.ts';
import { Pool } from './pool.ts';
import { WasmBackend } from './wasm-backend.ts';
import { warnOnce } from '../warnings.ts';

export interface WasmBackendOptions {
  /** Threads including the calling one; defaults to the number of cores. */
  threads?: number;
  /** false forces the plain-SIMD build; by default the relaxed-SIMD one runs where the host validates it. */
  relaxedSimd?: boolean;
}

const INITIAL_PAGES = 256; // 16 MiB
const MAX_PAGES = 65536; // 4 GiB, the wasm32 limit

export async function createWasmBackend(options: WasmBackendOptions = {}): Promise<Backend> {
  const blocker = sharedMemoryBlocker();
  const cores = await coreCount();
  const wanted = Math.max(1, Math.floor(options.threads ?? cores));
  const threads = blocker ? 1 : wanted;
  const { module, flavour, relaxedOff } = await compileKernels(!blocker, options.relaxedSimd ?? true);
  const memory = new WebAssembly.Memory({ initial: INITIAL_PAGES, maximum: MAX_PAGES, shared: !blocker });
  const instance = await WebAssembly.instantiate(module, { env: { memory } });
  const kernels = instance.exports as unknown as Kernels;
  const heap = new Allocator(memory, kernels.heapBase());
  const ctrl = heap.alloc(CONTROL_BYTES);
  let backend: WasmBackend | undefined;
  const words = (): Int32Array => backend!.i32();
  const pool = await Pool.start(threads, module, memory, ctrl, words, kernels.runTasks);
  const singleReason = blocker ?? (threads === 1 ? (options.threads === 1 ? 'threads: 1 was requested' : 'only one core') : '');
  // An explicit request that cannot be met says so once, not only in backendInfo() (onnxruntime-web users asked for this).
  if (options.threads !== undefined && threads < wanted) warnOnce(`the wasm backend runs ${threads} thread, not the ${wanted} requested: ${blocker}`);
  backend = new WasmBackend(memory, kernels, heap, pool, ctrl, {
    threads,
    cores,
    simd: flavour,
    ...(relaxedOff ? { relaxedSimdOff: relaxedOff } : {}),
    sharedMemory: !blocker,
    ...(singleReason ? { singleThreadedBecause: singleReason } : {}),
  });
  return backend;
}
