// The Fashion-MNIST page's training worker: one FashionTrainer, driven chunk by chunk by the page over comlink.
import { expose, transfer } from 'comlink';
import { FashionTrainer } from './fashion-trainer.ts';
import type { FashionTrainerApi } from './fashion-protocol.ts';

let trainer: FashionTrainer | null = null;

function current(): FashionTrainer {
  if (!trainer) throw new Error('the trainer has not started');
  return trainer;
}

const api: FashionTrainerApi = {
  async start(settings) {
    const created = await FashionTrainer.create(settings);
    trainer = created.trainer;
    return created.started;
  },
  async train(ms, maxSteps) {
    const p = await current().run(ms, maxSteps);
    return transfer(p, [p.perEstimator.buffer, p.mutualInformation.buffer] as ArrayBuffer[]);
  },
  async save() {
    const bytes = await current().save();
    return transfer(bytes, [bytes.buffer as ArrayBuffer]);
  },
};

expose(api);
