// The page's side of training: one worker per run, asked for one time-boxed chunk after another while
// running, never past the step budget. Pause stops asking; stop(reason) does too and says why; reset ends
// the worker (a new one starts with the next settings).
import { wrap } from 'comlink';
import type { ChunkedTrainerApi } from './chunked-training.ts';
import type { Progress, Settings, Started } from './protocol.ts';

/** Wall time of one chunk in the worker: short enough for a prompt pause, long enough to amortise evaluation. */
const CHUNK_MS = 200;
/** Steps of the first chunks, growing by GROWTH each chunk: the maps start slow enough to watch them form. */
const FIRST_STEPS = 4, GROWTH = 1.25;

export type SessionState = 'idle' | 'starting' | 'running' | 'pausing' | 'paused' | 'stopped' | 'error';

export interface SessionEvents<St = Started, P = Progress> {
  started(s: St): void;
  progress(p: P): void;
  /** 'stopped' comes with the reason given to stop(), or 'budget' when the step budget is reached. */
  state(state: SessionState, message?: string): void;
}

export class Session<S = Settings, St = Started, P extends { step: number } = Progress> {
  private worker: Worker | null = null;
  /** The worker's API (a comlink proxy; its methods already return promises, so its type is the API's). */
  private api: ChunkedTrainerApi<S, St, P> | null = null;
  private running = false;
  private generation = 0;
  /** The generation whose loop is alive, or -1. */
  private looping = -1;
  /** Chunks trained since the last reset. */
  private chunks = 0;
  /** Steps trained since the last reset. */
  private step = 0;
  private stopReason: string | null = null;
  /** The step budget: training stops there (a chunk never goes past it). */
  stopAt = Infinity;

  /**
   * @param makeWorker starts the page's training worker (default: the training page's train-worker.ts).
   * @param chunkMs wall time of one chunk in the worker (default CHUNK_MS).
   */
  constructor(
    private readonly events: SessionEvents<St, P>,
    private readonly makeWorker: () => Worker = () => new Worker(new URL('./train-worker.ts', import.meta.url), { type: 'module' }),
    private readonly chunkMs = CHUNK_MS,
  ) {}

  get isRunning(): boolean {
    return this.running;
  }

  /** Steps trained since the last reset. */
  get steps(): number {
    return this.step;
  }

  /** Starts (or resumes) training; settings apply when no worker is running yet. */
  start(settings: S): void {
    if (this.running || this.step >= this.stopAt) return;
    this.running = true;
    this.stopReason = null;
    if (this.looping === this.generation) this.events.state('running'); // the loop is finishing a chunk: it goes on
    else void this.loop(settings);
  }

  private async loop(settings: S): Promise<void> {
    const generation = (this.looping = this.generation);
    try {
      if (!this.api) {
        this.events.state('starting');
        this.worker = this.makeWorker();
        const api = wrap(this.worker) as unknown as ChunkedTrainerApi<S, St, P>;
        const started = await api.start(settings);
        if (generation !== this.generation) return;
        this.api = api;
        this.events.started(started);
      }
      this.events.state(this.running ? 'running' : 'paused');
      while (this.running && generation === this.generation && this.step < this.stopAt) {
        const steps = Math.min(Math.round(FIRST_STEPS * GROWTH ** Math.min(this.chunks++, 40)), this.stopAt - this.step);
        const p = await this.api.train(this.chunkMs, steps);
        if (generation !== this.generation) break;
        this.step = p.step;
        this.events.progress(p);
      }
      if (generation === this.generation) {
        const reason = this.stopReason ?? (this.step >= this.stopAt ? 'budget' : null);
        this.running = false;
        this.events.state(reason ? 'stopped' : 'paused', reason ?? undefined);
      }
    } catch (e) {
      if (generation !== this.generation) return;
      console.error(e);
      this.running = false;
      this.events.state('error', e instanceof Error ? e.message : String(e));
    } finally {
      if (this.looping === generation) this.looping = -1;
    }
  }

  pause(): void {
    if (!this.running) return;
    this.running = false;
    this.events.state('pausing'); // 'paused' once the chunk in flight is in
  }

  /** Stops like pause, then reports state 'stopped' with this reason. */
  stop(reason: string): void {
    if (!this.running) return;
    this.stopReason = reason;
    this.pause();
  }

  reset(): void {
    this.generation++;
    this.chunks = 0;
    this.step = 0;
    this.stopReason = null;
    this.running = false;
    this.worker?.terminate();
    this.worker = null;
    this.api = null;
    this.events.state('idle');
  }

  save(): Promise<Uint8Array> {
    if (!this.api) return Promise.reject(new Error('no model yet: start training first'));
    return this.api.save();
  }
}
