// One line about the backend in use, from backendInfo().
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
