// Where createInferenceWorker reads a model from in Node: bytes, a file path (absolute or relative to the
// working directory), a file: URL; and the errors that name a source it cannot read.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import * as bg from '../src/index.ts';
import { modelBytes } from '../src/inference/source.ts';

describe('model sources in Node', () => {
  const dir = mkdtempSync(join(tmpdir(), 'blockgrad-source-'));
  const path = join(dir, 'model.safetensors');
  const bytes = Uint8Array.of(1, 2, 3, 4);
  writeFileSync(path, bytes);

  it('reads an absolute path, a relative path, a file: URL (string or URL) and takes bytes as they are', async () => {
    for (const source of [path, relative(process.cwd(), path), pathToFileURL(path).href, pathToFileURL(path)]) {
      expect(await modelBytes(source)).toEqual(bytes);
    }
    expect(await modelBytes(bytes)).toBe(bytes);
    expect(await modelBytes(bytes.buffer)).toEqual(bytes);
  });

  it('names a file it cannot read and a URL it cannot fetch', async () => {
    await expect(modelBytes('/no/such/dir/m.safetensors')).rejects.toThrow("createInferenceWorker: cannot read the model file '/no/such/dir/m.safetensors': ENOENT");
    await expect(modelBytes('http://127.0.0.1:9/m.safetensors')).rejects.toThrow('createInferenceWorker: fetching http://127.0.0.1:9/m.safetensors failed');
  });

  it('serves a model saved to a path, given the path', async () => {
    await bg.init({ backend: 'js' });
    const model = new bg.nn.PackedMLP({ inFeatures: 6, hiddenFeatures: [8], numClasses: 3, numEstimators: 2, rng: new bg.Rng(4) });
    writeFileSync(path, await bg.io.saveSafetensors(model));
    const worker = await bg.createInferenceWorker({ model: path, backend: 'js' });
    const x = Float32Array.from({ length: 2 * 6 }, (_, i) => Math.cos(i));
    expect((await worker.predict(x, 2)).probs).toEqual((await bg.predictBatch(model, x, 2)).probs);
    worker.terminate();
  });
});
