// Conv, pooling and normalisation on the WebGPU backend (Dawn in Node; SwiftShader without a GPU): the op
// gradients against finite differences and both fixture sets. Without an adapter these fail; they never skip.
import { afterAll } from 'vitest';
import * as bg from '../src/index.ts';
import { convFixtureSuite } from './helpers/conv-fixture-suite.ts';
import { convOpSuite } from './helpers/conv-op-suite.ts';

convOpSuite('webgpu', async () => {
  await bg.init({ backend: 'webgpu' });
});
convFixtureSuite('webgpu');
// Dawn keeps the process alive while a device lives.
afterAll(async () => (await bg.getBackend('webgpu')).dispose());
