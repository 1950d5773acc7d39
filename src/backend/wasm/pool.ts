// The kernel worker pool: N-1 workers plus the calling thread run the tasks of one job at a time.
// A job is started by bumping words in the control area (Atomics), never by postMessage.
import { CLAIM, DONE, JOB, QUIT, SIGNAL } from './control.ts';
import { canBlock, startWorker, type WorkerHandle } from './environment.ts';
import { kernelWorkerSource } from './generated.ts';

/** Polling iterations before sleeping, for workers waiting for a job and the caller waiting for the rest. */
const SPIN = 20_000;

export class Pool {
  private generation = 0;

  private constructor(
    /** A fresh i32 view of the whole memory (views go stale when memory grows). */
    private readonly words: () => Int32Array,
    /** Word index of the control area. */
    private readonly base: number,
    private readonly runTasks: (ctrl: number, thread: number) => void,
    private readonly workers: WorkerHandle[],
  ) {}

  /** Starts `threads - 1` workers over the shared memory. */
  static async start(
    threads: number, module: WebAssembly.Module, memory: WebAssembly.Memory, ctrl: number,
    words: () => Int32Array, runTasks: (ctrl: number, thread: number) => void,
  ): Promise<Pool> {
    const workers = await Promise.all(
      Array.from({ length: threads - 1 }, async (_, k) => {
        const w = await startWorker(kernelWorkerSource);
        const ready = w.firstMessage();
        w.post({ module, memory, ctrl, thread: k + 1, spin: SPIN }); // memory as a plain argument, not transferred
        await ready;
        return w;
      }),
    );
    return new Pool(words, ctrl >> 2, runTasks, workers);
  }

  get threads(): number {
    return this.workers.length + 1;
  }

  /** Runs `tasks` tasks of the job already written in the descriptor; returns when all are done. */
  run(tasks: number): void {
    if (tasks <= 0) return;
    const w = this.words(), b = this.base;
    this.generation = (this.generation + 1) & 0xffff;
    const tag = this.generation << 16;
    Atomics.store(w, b + DONE, 0);
    Atomics.store(w, b + JOB, tag | tasks);
    Atomics.store(w, b + CLAIM, tag);
    const helpers = Math.min(this.workers.length, tasks - 1);
    if (helpers > 0) {
      Atomics.add(w, b + SIGNAL, 1);
      Atomics.notify(w, b + SIGNAL, helpers);
    }
    this.runTasks(b << 2, 0);
    for (let k = 0; ; k++) {
      const done = Atomics.load(w, b + DONE);
      if (done === tasks) return;
      if (canBlock && k > SPIN) Atomics.wait(w, b + DONE, done, 1);
    }
  }

  dispose(): void {
    const w = this.words();
    Atomics.store(w, this.base + QUIT, 1);
    Atomics.add(w, this.base + SIGNAL, 1);
    Atomics.notify(w, this.base + SIGNAL);
    for (const worker of this.workers) worker.terminate();
  }
}
