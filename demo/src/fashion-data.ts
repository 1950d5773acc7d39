// The Fashion-MNIST page's data, fetched in the worker: the bundled subset (data/fashion-mnist-subset, the
// first 2,000 training and 500 test images of Zalando Research's Fashion-MNIST, MIT licence) and the bundled
// digits upsampled to 28x28, the images the model should be unsure about.
import trainImagesUrl from '../../data/fashion-mnist-subset/train-images-idx3-ubyte.gz?url';
import trainLabelsUrl from '../../data/fashion-mnist-subset/train-labels-idx1-ubyte.gz?url';
import testImagesUrl from '../../data/fashion-mnist-subset/t10k-images-idx3-ubyte.gz?url';
import testLabelsUrl from '../../data/fashion-mnist-subset/t10k-labels-idx1-ubyte.gz?url';
import type { Dataset } from '../../app/data/digits.ts';
import { imagesAndLabels } from '../../app/data/fashion-mnist.ts';
import { parseIdx } from '../../app/data/idx.ts';
import { digitsAsImages } from '../../app/data/ood.ts';
import { fetchDigits, fetchGunzipped } from './datasets.ts';

async function idx(url: string, name: string) {
  return parseIdx(await fetchGunzipped(url, name), name);
}

export async function loadFashionSubset(): Promise<{ train: Dataset; test: Dataset }> {
  const [trainImages, trainLabels, testImages, testLabels] = await Promise.all([
    idx(trainImagesUrl, 'train-images-idx3-ubyte.gz'), idx(trainLabelsUrl, 'train-labels-idx1-ubyte.gz'),
    idx(testImagesUrl, 't10k-images-idx3-ubyte.gz'), idx(testLabelsUrl, 't10k-labels-idx1-ubyte.gz'),
  ]);
  return { train: imagesAndLabels(trainImages, trainLabels), test: imagesAndLabels(testImages, testLabels) };
}

/** The 1,797 bundled digits as [n, 1, 28, 28] images. */
export async function loadOodDigits(): Promise<Dataset> {
  return digitsAsImages(await fetchDigits(), 28);
}
