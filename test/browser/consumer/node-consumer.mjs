// A Node consumer of the packed tarball: a plain import, a forward pass on wasm, and the inference worker.
import * as bg from 'blockgrad';

await bg.init({ backend: 'wasm' });
const config = { inFeatures: 4, hiddenFeatures: [8], numClasses: 3, numEstimators: 2, alpha: 2, gamma: 1 };
const model = new bg.nn.PackedMLP({ ...config, rng: new bg.Rng(1) });
const x = new Float32Array(8).map((_, i) => i / 8);
const logits = await bg.noGrad(() => model.forward(bg.tensor(x, [2, 4]))).data();
const bytes = await bg.io.saveSafetensors(model, bg.packedMLPMetadata(config));
const worker = await bg.createInferenceWorker({ model: bytes, backend: 'wasm' });
const p = await worker.predict(x, 2);
worker.terminate();
console.log(JSON.stringify({ backend: bg.backendName(), logits: logits.length, probs: Array.from(p.probs), estimators: p.estimators }));
