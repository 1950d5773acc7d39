// What the host offers for threads: core count, shared memory, and starting a worker from source text.

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

export async function coreCount(): Promise<number> {
  if (isNode) {
    const os = await import('node:os');
    return os.availableParallelism();
  }
  return globalThis.navigator?.hardwareConcurrency ?? 1;
}

/** Why shared memory (and so threads) is unavailable here, or null when it is available. */
export function sharedMemoryBlocker(): string | null {
  if (typeof SharedArrayBuffer === 'undefined') {
    return 'SharedArrayBuffer is unavailable (the page is not cross-origin isolated: serve it with COOP same-origin and COEP require-corp)';
  }
  if (globalThis.crossOriginIsolated === false) {
    return 'the page is not cross-origin isolated (serve it with COOP same-origin and COEP require-corp)';
  }
  return null;
}

/** The browser main thread may not block in Atomics.wait; Node's main thread and workers may. */
export const canBlock = isNode || typeof document === 'undefined';

export interface WorkerHandle {
  post(message: unknown): void;
  /** Resolves with the worker's first message, rejects on its first error. */
  firstMessage(): Promise<unknown>;
  /** Calls fn once when the worker dies (Node: it exited; browsers: an uncaught error stopped its loop). */
  onExit(fn: (reason: string) => void): void;
  /** Stops the worker; resolves once it has stopped. */
  terminate(): Promise<void>;
}

/** Starts a worker running `source`: worker_threads with eval in Node, a Blob URL in browsers. */
export async function startWorker(source: string): Promise<WorkerHandle> {
  if (isNode) {
    const { Worker } = await import('node:worker_threads');
    const w = new Worker(source, { eval: true });
    w.unref(); // a pool must never keep Node alive
    return {
      post: (m) => w.postMessage(m),
      firstMessage: () => new Promise((resolve, reject) => {
        w.once('message', resolve);
        w.once('error', reject);
      }),
      onExit: (fn) => {
        let error = '';
        w.once('error', (e: Error) => (error = `: ${e.message}`));
        w.once('exit', (code) => fn(`exited with code ${code}${error}`));
      },
      terminate: async () => void (await w.terminate()),
    };
  }
  const url = URL.createObjectURL(new Blob([source], { type: 'text/javascript' }));
  const w = new Worker(url);
  URL.revokeObjectURL(url);
  return {
    post: (m) => w.postMessage(m),
    firstMessage: () => new Promise((resolve, reject) => {
      w.addEventListener('message', (e) => resolve(e.data), { once: true });
      w.addEventListener('error', (e) => reject(new Error(e.message)), { once: true });
    }),
    onExit: (fn) => w.addEventListener('error', (e) => fn(`failed: ${e.message}`), { once: true }),
    terminate: async () => w.terminate(),
  };
}
