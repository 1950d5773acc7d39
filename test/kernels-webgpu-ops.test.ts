// The op-level gradient suite on the WebGPU backend (Dawn in Node; SwiftShader without a GPU).
import { afterAll } from 'vitest';
import { getBackend, init } from '../src/index.ts';
import { opSuite } from './helpers/op-suite.ts';

opSuite('webgpu', () => init({ backend: 'webgpu' }));
// Dawn keeps the process alive while a device lives.
afterAll(async () => (await getBackend('webgpu')).dispose());
