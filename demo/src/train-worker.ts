// The demo's training worker: one Trainer, driven chunk by chunk by the page over comlink.
import { exposeTrainer } from './expose-trainer.ts';
import { Trainer } from './trainer.ts';
import type { Progress, Settings, Started } from './protocol.ts';

exposeTrainer<Settings, Started, Progress>(
  (settings) => Trainer.create(settings),
  (p) => (p.grid ? [p.grid.probs.buffer, p.grid.entropy.buffer, p.grid.mutualInformation.buffer] : []),
);
