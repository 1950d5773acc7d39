// A training worker's side of comlink, the same for every page: one trainer, made by `start`, then driven
// chunk by chunk; each answer's typed arrays are transferred, not copied.
import { expose, transfer } from 'comlink';
import type { ChunkedTrainerApi } from './chunked-training.ts';

/** A page's trainer: `run` trains one chunk and evaluates, `save` writes the model as safetensors. */
export interface ChunkedTrainer<P> {
  run(ms: number, maxSteps: number): Promise<P>;
  save(): Promise<Uint8Array>;
}

/**
 * Exposes a ChunkedTrainerApi over comlink in this worker.
 * @param create builds the trainer for the page's settings (train/save before it throw 'the trainer has not started').
 * @param buffersOf the buffers of a chunk's report to transfer to the page.
 */
export function exposeTrainer<S, St, P>(
  create: (settings: S) => Promise<{ trainer: ChunkedTrainer<P>; started: St }>,
  buffersOf: (progress: P) => ArrayBufferLike[],
): void {
  let trainer: ChunkedTrainer<P> | null = null;
  const current = (): ChunkedTrainer<P> => {
    if (!trainer) throw new Error('the trainer has not started');
    return trainer;
  };
  const api: ChunkedTrainerApi<S, St, P> = {
    async start(settings) {
      const created = await create(settings);
      trainer = created.trainer;
      return created.started;
    },
    async train(ms, maxSteps) {
      const p = await current().run(ms, maxSteps);
      return transfer(p, buffersOf(p) as ArrayBuffer[]);
    },
    async save() {
      const bytes = await current().save();
      return transfer(bytes, [bytes.buffer as ArrayBuffer]);
    },
  };
  expose(api);
}
