// The kernel worker pool: N-1 workers plus the calling thread run the tasks of one job at a time.
// A job is started by bumping words in the control area (Atomics), never by postMessage.
// A worker that dies is restarted; a job in which a dying worker abandoned a task is run again whole
// (kernels write only their outputs, so a second run gives the same bits), except in-place optimizer
// updates, which cannot be redone and fail with an error instead. ARCHITECTURE.md, section 8.
import { wasmJobKinds } from '../op-table.ts';
import { CLAIM, CRASH, DESC_WORD, DONE, JOB, LOST, QUIT, SIGNAL, SPLIT } from './control.ts';
import { canBlock, startWorker, type WorkerHandle } from './environment.ts';
import { kernelWorkerSource } from './generated.ts';

/** Polling iterations before sleeping, for workers waiting for a job and the caller waiting for the rest. */
const SPIN = 20_000;

/** What a kernel worker needs to join: the module, the shared memory and the control area's address. */
interface WorkerStart {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  ctrl: number;
}

export class Pool {
  private generation = 0;
  /** Worker k serves thread k + 1; null while its replacement starts. */
  private readonly workers: (WorkerHandle | null)[];
  private readonly starting = new Set<Promise<void>>();
  private disposed = false;
  /** Test hook: the thread whose worker dies in the next job (0: none). */
  private doomed = 0;
  /** Test hook: wake the workers even for jobs meant for the calling thread alone, as a worker still polling may join them. */
  private helpSerial = false;
  /** Workers restarted after dying, and why the last one died. */
  restarts = 0;
  lastDeath = '';

  private constructor(
    threads: number,
    private readonly start: WorkerStart,
    /** A fresh i32 view of the whole memory (views go stale when memory grows). */
    private readonly words: () => Int32Array,
    private readonly runTasks: (ctrl: number, thread: number) => void,
  ) {
    this.workers = new Array<WorkerHandle | null>(threads - 1).fill(null);
  }

  /** Starts `threads - 1` workers over the shared memory. */
  static async start(
    threads: number, module: WebAssembly.Module, memory: WebAssembly.Memory, ctrl: number,
    words: () => Int32Array, runTasks: (ctrl: number, thread: number) => void,
  ): Promise<Pool> {
    const pool = new Pool(threads, { module, memory, ctrl }, words, runTasks);
    await Promise.all(pool.workers.map((_, k) => pool.spawn(k + 1)));
    return pool;
  }

  get threads(): number {
    return this.workers.length + 1;
  }

  /** Tasks abandoned by dying workers (each one's job was run again). */
  get lostTasks(): number {
    return Atomics.load(this.words(), this.base + LOST);
  }

  private get base(): number {
    return this.start.ctrl >> 2;
  }

  /**
   * Runs `tasks` tasks of the job already written in the descriptor (on this thread alone unless `parallel`);
   * returns when all are done. Tasks from `split` on run the second descriptor (two GEMMs side by side).
   */
  run(tasks: number, parallel = true, split = tasks): void {
    if (tasks <= 0) return;
    while (!this.runOnce(tasks, parallel, split)) {
      const kind = wasmJobKinds[this.words()[this.base + DESC_WORD]];
      if (kind === 'sgd' || kind === 'adam') {
        throw new Error('wasm backend: a kernel worker died during an in-place optimizer update, which cannot be redone; restore the parameters from a snapshot');
      }
    }
  }

  /** One run of the job; false when a dying worker abandoned a task (every other task has then finished). */
  private runOnce(tasks: number, parallel: boolean, split: number): boolean {
    const w = this.words(), b = this.base;
    this.generation = (this.generation + 1) & 0xffff;
    const tag = this.generation << 16;
    const lostBefore = Atomics.load(w, b + LOST);
    const helpers = parallel || this.helpSerial ? Math.min(this.workers.length, tasks - 1) : 0;
    // Test hook: task 0 goes to the doomed worker, which dies holding it (it must be woken: all helpers are).
    const doomed = helpers === this.workers.length && this.workers[this.doomed - 1] ? this.doomed : 0;
    if (doomed) this.doomed = 0; // a job on fewer threads leaves the crash for the next one
    Atomics.store(w, b + CRASH, doomed);
    Atomics.store(w, b + DONE, 0);
    Atomics.store(w, b + SPLIT, split);
    Atomics.store(w, b + JOB, tag | tasks);
    Atomics.store(w, b + CLAIM, tag | (doomed ? 1 : 0));
    if (helpers > 0) this.signal(w, helpers);
    this.runTasks(b << 2, 0);
    for (let k = 0; ; k++) {
      const done = Atomics.load(w, b + DONE);
      if (done === tasks) return true;
      if (done + Atomics.load(w, b + LOST) - lostBefore === tasks) return false;
      if (canBlock && k > SPIN) Atomics.wait(w, b + DONE, done, 1);
    }
  }

  /** Wakes the workers with no job: each finds no task, then polls SPIN times for the next job before it sleeps. */
  wake(): void {
    if (this.workers.length) this.signal(this.words());
  }

  /** Bumps SIGNAL (in w, the memory's view) and wakes `count` sleeping workers (all by default): each then looks for tasks of the current job. */
  private signal(w: Int32Array, count?: number): void {
    Atomics.add(w, this.base + SIGNAL, 1);
    Atomics.notify(w, this.base + SIGNAL, count);
  }

  /** Starts the worker of `thread` and puts it in its slot once it is ready. */
  private async spawn(thread: number): Promise<void> {
    const worker = await startWorker(kernelWorkerSource);
    const ready = worker.firstMessage();
    worker.post({ ...this.start, thread, spin: SPIN }); // memory as a plain argument, not transferred
    await ready;
    if (this.disposed) return worker.terminate();
    worker.onExit((reason) => this.died(thread, worker, reason));
    this.workers[thread - 1] = worker;
  }

  private died(thread: number, worker: WorkerHandle, reason: string): void {
    if (this.disposed || this.workers[thread - 1] !== worker) return;
    this.workers[thread - 1] = null;
    this.restarts++;
    this.lastDeath = `kernel worker ${thread} ${reason}`;
    const restart: Promise<void> = this.spawn(thread)
      .catch((e: unknown) => void (this.lastDeath += `; its restart failed: ${String(e)}`))
      .finally(() => this.starting.delete(restart));
    this.starting.add(restart);
  }

  /** Resolves once every restarting worker is back in the pool. */
  async settled(): Promise<void> {
    while (this.starting.size) await Promise.all(this.starting);
  }

  /** Test hook: stops the worker of `thread` between jobs, as a crash would. */
  async kill(thread: number): Promise<void> {
    await this.workers[thread - 1]?.terminate();
  }

  /** Test hook: from now on, workers are woken for the jobs meant for the calling thread alone too. */
  joinSerialJobs(): void {
    this.helpSerial = true;
  }

  /** Test hook: the worker of `thread` dies holding a task of the next job that wakes every worker. */
  crashDuringNextJob(thread: number): void {
    this.doomed = thread;
  }

  dispose(): void {
    this.disposed = true;
    const w = this.words();
    Atomics.store(w, this.base + QUIT, 1);
    this.signal(w);
    for (const worker of this.workers) void worker?.terminate();
  }
}
