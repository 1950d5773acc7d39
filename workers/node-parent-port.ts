// The parent port (and worker data) of a Node worker thread, found the same way whatever the host process was started with.
// The library starts its workers with `eval: true`, and they inherit the host's execArgv: under
// `node --input-type=module -e …` their code runs as an ES module, where `require` does not exist (a bundler's
// require shim then throws "Dynamic require of node:worker_threads is not supported").
// process.getBuiltinModule (Node ≥ 20.16) works in both module modes; older Nodes fall back to require.
import type { MessagePort } from 'node:worker_threads';

interface NodeProcess {
  versions?: { node?: string };
  getBuiltinModule?: (id: string) => unknown;
}

/** Node's worker_threads module, or null elsewhere (a Web Worker). */
export function nodeWorkerThreads(): typeof import('node:worker_threads') | null {
  const host = (globalThis as { process?: NodeProcess }).process;
  if (!host?.versions?.node) return null;
  return (host.getBuiltinModule?.('node:worker_threads') ?? require('node:worker_threads')) as typeof import('node:worker_threads');
}

/** The worker's parentPort in Node, or null elsewhere (a Web Worker). */
export function nodeParentPort(): MessagePort | null {
  return nodeWorkerThreads()?.parentPort ?? null;
}
