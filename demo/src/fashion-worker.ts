// The Fashion-MNIST page's training worker: one FashionTrainer, driven chunk by chunk by the page over comlink.
import { exposeTrainer } from './expose-trainer.ts';
import { FashionTrainer } from './fashion-trainer.ts';
import type { FashionProgress, FashionSettings, FashionStarted } from './fashion-protocol.ts';

exposeTrainer<FashionSettings, FashionStarted, FashionProgress>(
  (settings) => FashionTrainer.create(settings),
  (p) => [p.perEstimator.buffer, p.mutualInformation.buffer],
);
