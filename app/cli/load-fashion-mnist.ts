// Reads Fashion-MNIST's four idx files (gzip-compressed or not) from a folder in Node.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { Dataset } from '../data/digits.ts';
import { FASHION_MNIST_FILES, imagesAndLabels } from '../data/fashion-mnist.ts';
import { parseIdx, type IdxArray } from '../data/idx.ts';

/** Where Debian's `dataset-fashion-mnist` package puts the files. */
export const FASHION_MNIST_DIR = '/usr/share/datasets/fashion-mnist';

function howToGet(dir: string): string {
  return `Install Debian's package (apt-get install dataset-fashion-mnist, which puts them in ${FASHION_MNIST_DIR}), `
    + `or download the four files from the data set's repository (github.com/zalandoresearch/fashion-mnist, data/fashion) `
    + `into ${dir} or another folder named by --data-dir.`;
}

function readIdx(dir: string, gzName: string): IdxArray {
  const gz = join(dir, gzName), plain = gz.slice(0, -'.gz'.length);
  const path = existsSync(gz) ? gz : existsSync(plain) ? plain : null;
  if (!path) throw new Error(`Fashion-MNIST: ${gz} not found (nor ${plain}). ${howToGet(dir)}`);
  const bytes = readFileSync(path);
  let raw: Uint8Array;
  try {
    raw = path === gz ? gunzipSync(bytes) : bytes;
  } catch (e) {
    throw new Error(`Fashion-MNIST: ${path} is not a valid gzip file (${(e as Error).message}); fetch it again. ${howToGet(dir)}`);
  }
  return parseIdx(raw, path);
}

/**
 * The 60,000 training and 10,000 test images, [n, 1, 28, 28] in [0, 1].
 * @param dir the folder holding the four files, each gzip-compressed (`*.gz`) or not.
 * @throws when a file is missing (saying how to get it) or malformed.
 */
export function loadFashionMnist(dir = FASHION_MNIST_DIR): { train: Dataset; test: Dataset } {
  const f = FASHION_MNIST_FILES;
  return {
    train: imagesAndLabels(readIdx(dir, f.trainImages), readIdx(dir, f.trainLabels), `Fashion-MNIST (${dir}) training set`),
    test: imagesAndLabels(readIdx(dir, f.testImages), readIdx(dir, f.testLabels), `Fashion-MNIST (${dir}) test set`),
  };
}
