// Trains the small model the digit demo page ships (demo/public/digits-model.safetensors), its architecture
// in the file's metadata. Usage: npx tsx scripts/train-digits-model.ts [out.safetensors]
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { init } from '../src/runtime.ts';
import { trainPackedMLP, evaluate } from '../app/training.ts';
import { trainTestSplit } from '../app/data/digits.ts';
import { loadDigits } from '../app/cli/load-digits.ts';
import { saveSafetensors } from '../src/io/safetensors.ts';

const out = process.argv[2] ?? fileURLToPath(new URL('../demo/public/digits-model.safetensors', import.meta.url));
await init({ backend: 'wasm' });
const { train, test } = trainTestSplit(loadDigits(), 0.2, 0);
const config = { inFeatures: 64, hiddenFeatures: [64], numClasses: 10, numEstimators: 4, alpha: 2, gamma: 1 };
const { model } = await trainPackedMLP(train, test, {
  epochs: 30, batchSize: 64, lr: 3e-3, numEstimators: config.numEstimators, alpha: config.alpha, gamma: config.gamma, hidden: config.hiddenFeatures, seed: 0,
});
const metrics = await evaluate(model, test);
await writeFile(out, await saveSafetensors(model));
console.log(`wrote ${out}: test accuracy ${metrics.accuracy.toFixed(3)}, nll ${metrics.nll.toFixed(3)}`);
process.exit(0);
