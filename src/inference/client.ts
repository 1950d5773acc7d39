// createInferenceWorker: a PackedMLP, PackedLeNet or PackedResNet served from a worker. Calls made while a forward pass runs are merged
// into the next one; buffers cross by transfer. If the worker dies, the calls it held reject and the next
// call starts a new worker and reloads the model.
import type { BackendInfo } from '../backend/backend.ts';
import { warnOnce } from '../backend/warnings.ts';
import type { BackendChoice } from '../runtime.ts';
import { sameShape } from '../shapes.ts';
import { concatRows, type Rows } from './batch.ts';
import { batchShape, type Architecture, type ModelConfig } from './model.ts';
import { unpackPrediction, type Prediction } from './predict.ts';
import type { LoadRequest } from './protocol.ts';
import { modelBytes, type ModelSource } from './source.ts';
import { spawnInferenceWorker, type SpawnedWorker } from './spawn.ts';

/** Options of `createInferenceWorker`: the model file, its architecture when the file does not say, and the backend. */
export interface InferenceWorkerOptions {
  /** The safetensors file: its bytes, its URL, or in Node its path (see {@link ModelSource} for what is read where). */
  model: ModelSource;
  /**
   * The architecture's config; needed only when the file's `__metadata__` does not hold it (`io.saveSafetensors`
   * writes it for every served model; see `packedMLPMetadata`).
   */
  config?: ModelConfig;
  /** Which model `config` describes (default 'PackedMLP'), or which one to look for in the file's metadata. */
  architecture?: Architecture;
  /** Backend inside the worker (default 'auto'). */
  backend?: BackendChoice;
  /** Kernel threads of the wasm backend inside the worker (default: every core). */
  threads?: number;
}

/**
 * A model served from a Web Worker (a worker thread in Node), made by `createInferenceWorker`. Calls made while
 * a forward pass runs are merged into the next one; if the worker dies, its pending calls reject and the next
 * call starts a new worker.
 */
export interface InferenceWorker {
  /** Which model is loaded: 'PackedMLP', 'PackedLeNet' or 'PackedResNet'. */
  readonly architecture: Architecture;
  /** Its config (PackedMLPConfig, PackedLeNetConfig or PackedResNetConfig, by `architecture`). */
  readonly config: ModelConfig;
  /** The backend the worker runs on. */
  readonly backend: BackendInfo;
  /**
   * Probabilities and uncertainty of a batch: for a PackedMLP n rows of `config.inFeatures` values (`shape` = n or
   * [n, inFeatures]); for a PackedLeNet or PackedResNet n images, `shape` = [n, inChannels, height, width]. x is copied
   * when predict is called (the caller may change it at once; it is never detached). A row holding NaN gets NaN
   * probabilities and uncertainties. Rejects when x is not an array of values, does not fit the shape or the shape not the model, and with
   * "the inference worker was terminated" after terminate().
   */
  predict(x: Float32Array, shape: number | readonly number[]): Promise<Prediction>;
  /** Stops the worker; pending and later calls reject. */
  terminate(): void;
}

const terminated = (): Error => new Error('predict: the inference worker was terminated');

interface Live {
  worker: SpawnedWorker;
  /** The rejecters of the calls in flight, which the worker's death rejects. */
  inFlight: Set<(e: Error) => void>;
  /** Why the worker died, once it has. */
  death: Error | null;
}

interface Pending extends Rows {
  /** The shape of one row (one image), which requests merged into one pass share. */
  sample: number[];
  resolve(p: Prediction): void;
  reject(e: unknown): void;
}

/**
 * Starts a worker, loads the model into it and resolves once it can predict.
 * @throws Error (as a rejection) when the model cannot be read (see ModelSource), the file is malformed
 * or holds no architecture and none is given, or the backend cannot start in the worker.
 */
export async function createInferenceWorker(options: InferenceWorkerOptions): Promise<InferenceWorker> {
  const request: LoadRequest = { bytes: await modelBytes(options.model), architecture: options.architecture, config: options.config, backend: options.backend ?? 'auto', threads: options.threads };
  const client = new InferenceClient(request, spawnInferenceWorker);
  await client.connect();
  return client;
}

export class InferenceClient implements InferenceWorker {
  architecture!: Architecture;
  config!: ModelConfig;
  backend!: BackendInfo;
  private live: Promise<Live> | null = null;
  private queue: Pending[] = [];
  private draining = false;
  private closed = false;

  constructor(private readonly request: LoadRequest, private readonly spawn: () => Promise<SpawnedWorker>) {}

  predict(x: Float32Array, shape: number | readonly number[]): Promise<Prediction> {
    if (this.closed) return Promise.reject(terminated());
    let full: number[];
    try {
      full = batchShape(this.architecture, this.config, x, shape);
    } catch (e) {
      return Promise.reject(e);
    }
    // Copied now: the caller may reuse x before the pass that serves this call starts.
    const rows = new Float32Array(x);
    return new Promise((resolve, reject) => {
      this.queue.push({ x: rows, n: full[0], sample: full.slice(1), resolve, reject });
      if (!this.draining) {
        this.draining = true;
        queueMicrotask(() => void this.drain());
      }
    });
  }

  terminate(): void {
    this.closed = true;
    void this.live?.then((l) => l.worker.terminate(), () => {});
    this.live = null;
    for (const r of this.queue.splice(0)) r.reject(terminated());
  }

  /** The running worker, started (and the model loaded) if there is none. */
  connect(): Promise<Live> {
    if (!this.live) {
      const live: Promise<Live> = this.open(() => {
        if (this.live === live) this.live = null;
      });
      this.live = live;
      live.catch(() => {
        if (this.live === live) this.live = null;
      });
    }
    return this.live;
  }

  private async open(onExit: () => void): Promise<Live> {
    const worker = await this.spawn();
    const live: Live = { worker, inFlight: new Set(), death: null };
    worker.onExit((e) => {
      onExit();
      live.death = this.closed ? terminated() : new Error(`the inference worker crashed (${e.message}); the next call starts a new one`);
      for (const reject of live.inFlight) reject(live.death);
      live.inFlight.clear();
    });
    try {
      const loaded = await this.call(live, () => worker.api.load(this.request));
      this.architecture = loaded.architecture;
      this.config = loaded.config;
      this.backend = loaded.backend;
      loaded.warnings.forEach(warnOnce);
    } catch (e) {
      worker.terminate();
      throw e;
    }
    return live;
  }

  /**
   * fn's answer, or a rejection when the worker dies first. Each call's rejecter is held only while it is in
   * flight: racing every call against one never-settling "dead" promise would keep a reaction per call forever.
   */
  private call<T>(live: Live, fn: () => Promise<T>): Promise<T> {
    if (live.death) return Promise.reject(live.death);
    live.worker.setBusy(true);
    return new Promise<T>((resolve, reject) => {
      live.inFlight.add(reject);
      (async () => fn())() // a synchronous throw becomes a rejection, so the cleanup below still runs
        .then(resolve, reject)
        .finally(() => {
          live.inFlight.delete(reject);
          live.worker.setBusy(false);
        });
    });
  }

  /** Takes from the queue the waiting requests whose rows have the first one's shape (images of one size): one pass. */
  private takeBatch(): Pending[] {
    const first = this.queue[0].sample, batch: Pending[] = [], rest: Pending[] = [];
    for (const r of this.queue) (sameShape(r.sample, first) ? batch : rest).push(r); // no string keys: ~4 µs of a one-row call
    this.queue = rest;
    return batch;
  }

  private async drain(): Promise<void> {
    while (this.queue.length) {
      const batch = this.takeBatch();
      try {
        const live = await this.connect();
        const rows = concatRows(batch);
        const packed = await this.call(live, () => live.worker.api.predict(rows.x, [rows.n, ...batch[0].sample]));
        let start = 0;
        for (const r of batch) {
          r.resolve(unpackPrediction(packed, start, r.n));
          start += r.n;
        }
      } catch (e) {
        for (const r of batch) r.reject(e);
      }
    }
    this.draining = false;
  }
}
