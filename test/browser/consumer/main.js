// A Vite-bundled page importing the packed tarball: a forward pass on the wasm backend and the inference worker.
import * as bg from 'blockgrad';

async function run() {
  await bg.init({ backend: 'wasm', threads: 2 });
  const config = { inFeatures: 4, hiddenFeatures: [8], numClasses: 3, numEstimators: 2, alpha: 2, gamma: 1 };
  const model = new bg.nn.PackedMLP({ ...config, rng: new bg.Rng(1) });
  const x = new Float32Array(8).map((_, i) => i / 8);
  const bytes = await bg.io.saveSafetensors(model, bg.packedMLPMetadata(config));
  const worker = await bg.createInferenceWorker({ model: bytes, backend: 'wasm' });
  const p = await worker.predict(x, 2);
  return { backend: bg.backendInfo(), workerBackend: worker.backend.name, probs: Array.from(p.probs), estimators: p.estimators };
}

run().then(
  (r) => (document.body.dataset.result = JSON.stringify(r)),
  (e) => (document.body.dataset.error = String(e && e.stack ? e.stack : e)),
);
