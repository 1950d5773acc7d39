// A kernel worker of the wasm CPU pool. It instantiates the kernel module over the shared memory, says
// "ready", then sleeps on the SIGNAL word and runs the task loop each time the main thread bumps it.
// If a task throws, the worker counts it as lost (so the pool redoes the job) and dies; the pool restarts it.
// Built to a self-contained string by scripts/build-wasm.ts; it runs in worker_threads and in Web Workers.
import { CRASH, DONE, LOST, QUIT, SIGNAL } from '../src/backend/wasm/control.ts';
import { nodeParentPort } from './node-parent-port.ts';

export interface KernelWorkerStart {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** Byte address of the control area. */
  ctrl: number;
  /** This worker's thread index (the calling thread is 0). */
  thread: number;
  /** Iterations to poll for the next job before sleeping. */
  spin: number;
}

interface Port {
  post(message: unknown): void;
  listen(fn: (message: KernelWorkerStart) => void): void;
}

function hostPort(): Port {
  const parentPort = nodeParentPort();
  if (parentPort) return { post: (m) => parentPort.postMessage(m), listen: (fn) => parentPort.once('message', fn) };
  const scope = globalThis as unknown as DedicatedWorkerGlobalScope;
  return { post: (m) => scope.postMessage(m), listen: (fn) => scope.addEventListener('message', (e) => fn(e.data), { once: true }) };
}

function serve(port: Port, { module, memory, ctrl, thread, spin }: KernelWorkerStart): void {
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  const runTasks = instance.exports.runTasks as (ctrl: number, thread: number) => void;
  const words = new Int32Array(memory.buffer, ctrl, 8);
  let seen = Atomics.load(words, SIGNAL);
  port.post('ready');
  for (;;) {
    // Poll a little first: back-to-back kernels then skip the cost of a sleep and a wake-up.
    for (let k = 0; k < spin && Atomics.load(words, SIGNAL) === seen; k++);
    Atomics.wait(words, SIGNAL, seen);
    seen = Atomics.load(words, SIGNAL);
    if (Atomics.load(words, QUIT)) return;
    try {
      if (Atomics.load(words, CRASH) === thread) {
        Atomics.store(words, CRASH, 0);
        throw new Error(`kernel worker ${thread}: crash injected by a test`); // holding the task the pool reserved for it
      }
      runTasks(ctrl, thread);
    } catch (e) {
      Atomics.add(words, LOST, 1);
      Atomics.notify(words, DONE);
      throw e;
    }
  }
}

const port = hostPort();
port.listen((start) => serve(port, start));
