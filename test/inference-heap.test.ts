// A served model answers any number of calls in constant host memory: nothing the client keeps per call
// outlives the call (it once raced every call against a never-settling promise, which kept ~550 bytes a call).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import * as bg from '../src/index.ts';

setFlagsFromString('--expose-gc');
const collectGarbage = runInNewContext('gc') as () => void;

/** The host's heap in bytes after two full collections. */
function heapAfterGc(): number {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

describe('createInferenceWorker: host memory', () => {
  it('10,000 more calls leave the host heap where it was', async () => {
    await bg.init({ backend: 'js' });
    const config = { inFeatures: 6, hiddenFeatures: [8], numClasses: 3, numEstimators: 2, alpha: 2, gamma: 1 };
    const model = new bg.nn.PackedMLP({ ...config, rng: new bg.Rng(5) });
    const bytes = await bg.io.saveSafetensors(model, bg.packedMLPMetadata(config));
    model.parameters().forEach((p) => p.dispose());
    const worker = await bg.createInferenceWorker({ model: bytes, backend: 'js' });
    const x = Float32Array.from({ length: 6 }, (_, i) => Math.cos(i));
    try {
      for (let i = 0; i < 2000; i++) await worker.predict(x, 1); // warm-up: code compiled, pools grown
      const before = heapAfterGc();
      const calls = 10_000;
      for (let i = 0; i < calls; i++) await worker.predict(x, 1);
      const grownPerCall = (heapAfterGc() - before) / calls;
      expect(grownPerCall).toBeLessThan(50); // bytes; the leak this guards against kept ~550
    } finally {
      worker.terminate();
    }
  });
});
