// Writes each TorchUncertainty g1 fixture (releases 0.2.2, 0.3.1, 0.4.3, 0.8) back in every release's
// layout, for scripts/torch-uncertainty-save-check.py to load with PyTorch's load_state_dict:
//   npx tsx scripts/torch-uncertainty-save-check.ts /tmp/tu-saved && /usr/bin/python3 scripts/torch-uncertainty-save-check.py /tmp/tu-saved
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as bg from '../src/index.ts';

const out = process.argv[2];
if (!out) throw new Error('usage: npx tsx scripts/torch-uncertainty-save-check.ts OUTPUT_DIR');
mkdirSync(out, { recursive: true });
await bg.init({ backend: 'js' });
const fixtures = new URL('../test/fixtures/torch-uncertainty/', import.meta.url);
for (const source of ['v0.2.2.post2', 'v0.3.1', 'v0.4.3', 'head']) {
  const model = bg.io.torchUncertaintyMLP(readFileSync(new URL(`tu-real-${source}-g1.model.safetensors`, fixtures)), { numEstimators: 4 });
  for (const release of ['0.2', '0.3', '0.4', '0.8.0']) {
    writeFileSync(join(out, `${source}-as-${release}.safetensors`), await bg.io.saveTorchUncertainty(model, { release }));
  }
}
console.log(`wrote 16 checkpoints to ${out}`);
