// The page's side of training: one worker per run, asked for one time-boxed chunk after another while
// running. Pause stops asking; reset ends the worker (a new one starts with the next settings).
import { wrap, type Remote } from 'comlink';
import type { Progress, Settings, Started, TrainerApi } from './protocol.ts';

/** Wall time of one chunk in the worker: short enough for a prompt pause, long enough to amortise evaluation. */
const CHUNK_MS = 200;
/** Steps of the first chunks, growing by GROWTH each chunk: the maps start slow enough to watch them form. */
const FIRST_STEPS = 4, GROWTH = 1.25;

export interface SessionEvents {
  started(s: Started): void;
  progress(p: Progress): void;
  state(state: 'idle' | 'starting' | 'running' | 'pausing' | 'paused' | 'error', message?: string): void;
}

export class Session {
  private worker: Worker | null = null;
  private api: Remote<TrainerApi> | null = null;
  private running = false;
  private generation = 0;
  /** The generation whose loop is alive, or -1. */
  private looping = -1;
  /** Chunks trained since the last reset. */
  private chunks = 0;

  constructor(private readonly events: SessionEvents) {}

  get isRunning(): boolean {
    return this.running;
  }


  /** Starts (or resumes) training; settings apply when no worker is running yet. */
  start(settings: Settings): void {
    if (this.running) return;
    this.running = true;
    if (this.looping === this.generation) this.events.state('running'); // the loop is finishing a chunk: it goes on
    else void this.loop(settings);
  }

  private async loop(settings: Settings): Promise<void> {
    const generation = (this.looping = this.generation);
    try {
      if (!this.api) {
        this.events.state('starting');
        this.worker = new Worker(new URL('./train-worker.ts', import.meta.url), { type: 'module' });
        const api = wrap<TrainerApi>(this.worker);
        const started = await api.start(settings);
        if (generation !== this.generation) return;
        this.api = api;
        this.events.started(started);
      }
      this.events.state(this.running ? 'running' : 'paused');
      while (this.running && generation === this.generation) {
        const p = await this.api.train(CHUNK_MS, Math.round(FIRST_STEPS * GROWTH ** Math.min(this.chunks++, 40)));
        if (generation === this.generation) this.events.progress(p);
      }
      if (generation === this.generation) this.events.state('paused');
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

  reset(): void {
    this.generation++;
    this.chunks = 0;
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
