// The public engine controls: choose a backend once, scopes, the grad switch, memory figures.
import type { Backend, BackendInfo, BackendName } from './backend/backend.ts';
import { engine } from './engine.ts';
import { chooseBackend, createBackend } from './backend/registry.ts';
import { warnOnce } from './backend/warnings.ts';

/** What `init` accepts: a backend's name, or `'auto'` (hardware WebGPU, else wasm, else js). */
export type BackendChoice = BackendName | 'auto';

/** Options of `init` and `getBackend`. */
export interface InitOptions {
  /** The backend to start (default `'auto'`); a named one that cannot start here makes `init` throw. */
  backend?: BackendChoice;
  /** Kernel worker threads for the wasm backend (default: the number of cores). */
  threads?: number;
  /**
   * wasm backend: use the relaxed-SIMD build (fused multiply-add) where the host validates it (default
   * true; Chrome ≥ 114 and Node ≥ 22 do). false forces the plain-SIMD build every host runs.
   */
  relaxedSimd?: boolean;
}

/** Why 'auto' did not get its first choice, for the backend it chose (shown by backendInfo()). */
let fallback: { backend: Backend; because: string } | null = null;

/**
 * Chooses the backend new tensors are created on and returns its name. 'auto' prefers a hardware WebGPU
 * adapter, then wasm, then the js reference; when it passes one by, backendInfo().details.fallbackBecause
 * says why and one console warning does too.
 *
 * A second init(): with the same options, or with only a backend name (`init({ backend: 'wasm' })` after
 * `init({ backend: 'wasm', threads: 2 })`), it returns the backend already running and nothing changes.
 * With other options (another backend, another thread count) it starts that backend and makes it current;
 * tensors made before stay on the first one and keep working there, but an op given tensors of both throws
 * an error naming both backends (for two of one kind, that a second init() started the new one) and how to
 * move them: `tensor.moveTo()` or `model.to()`.
 * @throws Error for options that are not an object, threads that are not a whole number >= 1, an unknown
 *   backend name, or when the backend asked for cannot start here (no WebGPU adapter, no WebAssembly SIMD, or
 *   options it cannot take), naming what is missing; 'auto' never throws for those.
 */
export async function init(options: InitOptions = {}): Promise<BackendName> {
  if (typeof options !== 'object' || options === null) throw new Error(`init: options must be an object such as { backend: 'wasm' }, got ${JSON.stringify(options)}`);
  const chosen = await chooseBackend(options.backend ?? 'auto', { threads: options.threads, relaxedSimd: options.relaxedSimd });
  engine.backend = chosen.backend;
  fallback = chosen.fallbackBecause ? { backend: chosen.backend, because: chosen.fallbackBecause } : null;
  if (fallback) warnOnce(`init({ backend: 'auto' }) chose ${chosen.backend.name}: ${fallback.because}`);
  return engine.backend.name;
}

/** @internal The backend of that name (created once and cached), without making it the current one. */
export async function getBackend(choice: BackendChoice, options: InitOptions = {}): Promise<Backend> {
  return createBackend(choice, { threads: options.threads, relaxedSimd: options.relaxedSimd });
}

/** Name of the backend in use. */
export function backendName(): BackendName {
  return engine.backend.name;
}

/**
 * What the backend in use reports about itself (threads, adapter…), and in `details.fallbackBecause` why
 * init({ backend: 'auto' }) passed its first choices by.
 */
export function backendInfo(): BackendInfo {
  const info = engine.backend.info();
  if (fallback?.backend !== engine.backend) return info;
  return { ...info, details: { ...info.details, fallbackBecause: fallback.because } };
}

/**
 * Runs fn and disposes every tensor it created except those it returns (in an array or object too) or
 * `keep()`s; returned tensors belong to the enclosing scope. Scopes nest.
 * @throws whatever fn throws, after disposing every tensor fn created; Error when fn returns a Promise
 *   (fn must be synchronous: await outside it).
 */
export function tidy<T>(fn: () => T): T {
  return engine.tidy(fn);
}

/** Runs fn without recording gradients. */
export function noGrad<T>(fn: () => T): T {
  return engine.noGrad(fn);
}

/** What `memory()` returns: live tensors and the bytes the current backend holds for them. */
export interface MemoryInfo {
  /** Tensors whose storage is still held (by the user or by a graph awaiting backward). */
  tensors: number;
  /** Bytes allocated by the current backend. */
  bytes: number;
}

/**
 * Live tensors (over every backend) and bytes allocated by the current backend, as a count and a byte
 * size. A loop that disposes what it makes keeps both flat from step to step; use it to find leaks.
 */
export function memory(): MemoryInfo {
  return { tensors: engine.liveTensors, bytes: engine.backend.allocatedBytes() };
}

/**
 * Waits for every queued kernel on the current backend.
 * @throws Error on webgpu naming each op the device refused or could not allocate for (out of memory) whose
 *   output nothing has read since; each such failure is thrown once, and later ops work.
 */
export function flush(): Promise<void> {
  return engine.backend.flush();
}
