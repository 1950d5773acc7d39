// The window kernels of the wasm backend (1 and 3 threads: uneven splits), patchLinear included, against the reference.
import { windowKernelSuite } from './helpers/window-kernel-suite.ts';
import { wasmBackends } from './helpers/wasm-backends.ts';

const wasm = wasmBackends();
for (const threads of [1, 3]) windowKernelSuite(`wasm ${threads} thread${threads > 1 ? 's' : ''}`, () => wasm({ threads }), { patchLinear: true });
