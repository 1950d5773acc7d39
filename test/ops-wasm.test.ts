import { init } from '../src/index.ts';
import { opSuite } from './helpers/op-suite.ts';

for (const threads of [1, 2]) {
  opSuite(`wasm, ${threads} thread${threads > 1 ? 's' : ''}`, () => init({ backend: 'wasm', threads }));
}
