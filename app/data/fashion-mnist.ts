// Fashion-MNIST (Zalando Research, MIT licence): 70,000 28x28 grey images of clothing in 10 classes,
// 60,000 for training and 10,000 for testing, as four idx files.
import type { Dataset } from './digits.ts';
import type { IdxArray } from './idx.ts';

/** The class names, by label. */
export const FASHION_MNIST_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'] as const;

/** The four files, as the data set's authors and Debian's `dataset-fashion-mnist` name them (gzip-compressed). */
export const FASHION_MNIST_FILES = {
  trainImages: 'train-images-idx3-ubyte.gz',
  trainLabels: 'train-labels-idx1-ubyte.gz',
  testImages: 't10k-images-idx3-ubyte.gz',
  testLabels: 't10k-labels-idx1-ubyte.gz',
} as const;

/**
 * A data set of [n, 1, 28, 28] images scaled from 0..255 to [0, 1], from an idx image file (u8 [n, h, w])
 * and an idx label file (u8 [n], 0..9).
 * @throws when the files are not of those types and shapes or do not agree on n.
 */
export function imagesAndLabels(images: IdxArray, labels: IdxArray, name = 'Fashion-MNIST'): Dataset {
  if (!(images.data instanceof Uint8Array) || images.shape.length !== 3) {
    throw new Error(`${name}: the images must be an idx file of unsigned bytes [n, height, width], got ${images.data.constructor.name} [${images.shape.join(', ')}]`);
  }
  if (!(labels.data instanceof Uint8Array) || labels.shape.length !== 1) {
    throw new Error(`${name}: the labels must be an idx file of unsigned bytes [n], got ${labels.data.constructor.name} [${labels.shape.join(', ')}]`);
  }
  const [n, h, w] = images.shape;
  if (labels.shape[0] !== n) throw new Error(`${name}: ${n} images but ${labels.shape[0]} labels`);
  const bad = labels.data.findIndex((l) => l >= FASHION_MNIST_CLASSES.length);
  if (bad >= 0) throw new Error(`${name}: label ${labels.data[bad]} of image ${bad} is not a class 0..${FASHION_MNIST_CLASSES.length - 1}`);
  const x = new Float32Array(n * h * w);
  for (let i = 0; i < x.length; i++) x[i] = images.data[i] / 255;
  return { x, y: Int32Array.from(labels.data), n, features: h * w, classes: FASHION_MNIST_CLASSES.length, shape: [1, h, w] };
}
