// The demo's training worker: one Trainer, driven chunk by chunk by the page over comlink.
import { expose, transfer } from 'comlink';
import { Trainer } from './trainer.ts';
import type { Progress, TrainerApi } from './protocol.ts';

let trainer: Trainer | null = null;

function current(): Trainer {
  if (!trainer) throw new Error('the trainer has not started');
  return trainer;
}

const api: TrainerApi = {
  async start(settings) {
    const created = await Trainer.create(settings);
    trainer = created.trainer;
    return created.started;
  },
  async train(ms, maxSteps) {
    const p: Progress = await current().run(ms, maxSteps);
    const buffers = p.grid ? [p.grid.probs.buffer, p.grid.entropy.buffer, p.grid.mutualInformation.buffer] : [];
    return transfer(p, buffers as ArrayBuffer[]);
  },
  async save() {
    const bytes = await current().save();
    return transfer(bytes, [bytes.buffer as ArrayBuffer]);
  },
};

expose(api);
