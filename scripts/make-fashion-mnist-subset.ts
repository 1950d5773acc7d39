// Writes data/fashion-mnist-subset/: the first 2,000 training and the first 500 test images of Fashion-MNIST
// (Zalando Research, MIT licence) as the same four idx files, gzip-compressed, for the demo's in-browser
// training and for a quick `npm start -- --model packed-lenet --data fashion-mnist --data-dir data/fashion-mnist-subset`.
// Reads the full files from Debian's dataset-fashion-mnist (or the folder given as the first argument).
// Usage: npx tsx scripts/make-fashion-mnist-subset.ts [DIR]
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';
import { FASHION_MNIST_DIR } from '../app/cli/load-fashion-mnist.ts';
import { FASHION_MNIST_FILES } from '../app/data/fashion-mnist.ts';
import { parseIdx } from '../app/data/idx.ts';

const TRAIN = 2000, TEST = 500;
const from = process.argv[2] ?? FASHION_MNIST_DIR;
const to = fileURLToPath(new URL('../data/fashion-mnist-subset/', import.meta.url));
mkdirSync(to, { recursive: true });

/** The first n items of an idx file: its header with the first dimension set to n, then their bytes. */
function firstItems(file: string, n: number): Uint8Array {
  const bytes = gunzipSync(readFileSync(join(from, file)));
  const { shape } = parseIdx(bytes, file);
  const header = 4 + 4 * shape.length, itemBytes = shape.slice(1).reduce((a, b) => a * b, 1);
  const out = bytes.slice(0, header + n * itemBytes);
  new DataView(out.buffer).setUint32(4, n);
  return out;
}

for (const [file, n] of [[FASHION_MNIST_FILES.trainImages, TRAIN], [FASHION_MNIST_FILES.trainLabels, TRAIN], [FASHION_MNIST_FILES.testImages, TEST], [FASHION_MNIST_FILES.testLabels, TEST]] as const) {
  writeFileSync(join(to, file), gzipSync(firstItems(file, n), { level: 9 }));
}
console.log(`wrote ${TRAIN} training and ${TEST} test images to ${to}`);
