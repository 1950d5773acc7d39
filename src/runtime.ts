// The public engine controls: choose a backend once, scopes, the grad switch, memory figures.
import type { Backend, BackendInfo, BackendName } from './backend/backend.ts';
import { engine } from './engine.ts';
import { createBackend } from './backend/registry.ts';

export type BackendChoice = BackendName | 'auto';

export interface InitOptions {
  backend?: BackendChoice;
  /** Kernel worker threads for the wasm backend (default: the number of cores). */
  threads?: number;
  /**
   * wasm backend: use the relaxed-SIMD build (fused multiply-add) where the host validates it (default
   * true; Chrome ≥ 114 and Node ≥ 22 do). false forces the plain-SIMD build every host runs.
   */
  relaxedSimd?: boolean;
}

/**
 * Chooses the backend new tensors are created on; 'auto' prefers a hardware WebGPU adapter, then wasm.
 * Resolves to the name of the backend in use.
 * @throws Error when the backend asked for cannot start here (no WebGPU adapter, no WebAssembly, or
 * options it cannot take), naming what is missing.
 */
export async function init(options: InitOptions = {}): Promise<BackendName> {
  engine.backend = await getBackend(options.backend ?? 'auto', options);
  return engine.backend.name;
}

/** The backend of that name (created once and cached), without making it the current one. */
export async function getBackend(choice: BackendChoice, options: InitOptions = {}): Promise<Backend> {
  return createBackend(choice, { threads: options.threads, relaxedSimd: options.relaxedSimd });
}

/** Name of the backend in use. */
export function backendName(): BackendName {
  return engine.backend.name;
}

/** What the backend in use reports about itself (threads, adapter…). */
export function backendInfo(): BackendInfo {
  return engine.backend.info();
}

/** Runs fn and disposes every tensor it created except those it returns (or `keep()`s). */
export function tidy<T>(fn: () => T): T {
  return engine.tidy(fn);
}

/** Runs fn without recording gradients. */
export function noGrad<T>(fn: () => T): T {
  return engine.noGrad(fn);
}

export interface MemoryInfo {
  /** Tensors whose storage is still held (by the user or by a graph awaiting backward). */
  tensors: number;
  /** Bytes allocated by the current backend. */
  bytes: number;
}

export function memory(): MemoryInfo {
  return { tensors: engine.liveTensors, bytes: engine.backend.allocatedBytes() };
}

/** Waits for every queued kernel on the current backend. */
export function flush(): Promise<void> {
  return engine.backend.flush();
}
