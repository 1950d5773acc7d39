import { init } from '../src/index.ts';
import { opSuite } from './helpers/op-suite.ts';

opSuite('js', () => init({ backend: 'js' }));
