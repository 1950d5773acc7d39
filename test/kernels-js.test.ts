import { JsBackend } from '../src/backend/js/js-backend.ts';
import { kernelSuite } from './helpers/kernel-suite.ts';

// The reference against itself: keeps the suite honest (it must run, and run clean) on the oracle.
kernelSuite('js', async () => new JsBackend());
