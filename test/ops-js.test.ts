import { init } from '../src/index.ts';
import { opSuite } from './helpers/op-suite.ts';

opSuite('js', async () => {
  await init({ backend: 'js' });
});
