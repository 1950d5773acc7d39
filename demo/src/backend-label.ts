// One line about the backend in use, from backendInfo(), and the warning a software WebGPU adapter deserves.
import type { BackendInfo } from '../../src/index.ts';

export function backendLabel({ name, details }: BackendInfo): string {
  if (name === 'wasm') {
    const threads = Number(details.threads);
    const why = details.singleThreadedBecause ? ` (${details.singleThreadedBecause})` : '';
    return `wasm · ${details.simd} · ${threads} thread${threads === 1 ? '' : 's'}${why}`;
  }
  if (name === 'webgpu') return `webgpu · ${details.adapter || 'adapter'}${details.software ? ' (software)' : ''}`;
  return 'js (reference)';
}

/** What the page says when WebGPU runs on a software adapter (SwiftShader, no GPU); '' on any other backend. */
export function softwareWarning({ name, details }: BackendInfo): string {
  return name === 'webgpu' && details.software
    ? 'This WebGPU adapter is a software renderer on the CPU (no GPU): training runs hundreds of times slower than on wasm. Choose wasm SIMD.'
    : '';
}

/** Shows the software-adapter warning in `element` (hidden when there is nothing to say). */
export function showSoftwareWarning(element: HTMLElement, backend: BackendInfo | null): void {
  element.textContent = backend ? softwareWarning(backend) : '';
  element.hidden = element.textContent === '';
}
