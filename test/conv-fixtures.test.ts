// The conv fixture sets (see helpers/conv-fixture-suite.ts) on the reference and wasm backends.
import { convFixtureSuite } from './helpers/conv-fixture-suite.ts';

convFixtureSuite('js');
convFixtureSuite('wasm');
