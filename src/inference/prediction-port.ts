// The inference worker's prediction channel: a MessagePort of its own, beside the comlink API that loads the model.
// A one-row call is mostly message overhead, and comlink's per call (a random string id, wire-value wrappers,
// proxies on both ends) measured 7 µs of a 46 µs round trip at 2 threads (digits model): this channel sends an
// integer id, the rows and the shape, and answers with the packed prediction or the error's name and message.
import type { PackedPrediction } from './predict.ts';

/** A request on the prediction port: rows x (transferred) of the given full shape, answered under the same id. */
export interface PredictRequest {
  id: number;
  x: Float32Array;
  shape: number[];
}

/** The answer to a PredictRequest: its prediction (one buffer, transferred), or why it failed. */
export type PredictReply = { id: number; prediction: PackedPrediction } | { id: number; error: { name: string; message: string } };

/** The two MessagePort methods each end uses: Node's worker_threads ports and the DOM's both have them. */
interface Port {
  postMessage(message: unknown, transfer: Transferable[]): void;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
  start(): void;
}

/**
 * The worker's end: answers every PredictRequest arriving on `port` with `predict`'s prediction, or with the error
 * it threw (as name and message), in a PredictReply on the same port.
 */
export function servePredictions(port: Port, predict: (x: Float32Array, shape: number[]) => Promise<PackedPrediction>): void {
  port.addEventListener('message', (event) => {
    const { id, x, shape } = event.data as PredictRequest;
    new Promise<PackedPrediction>((resolve) => resolve(predict(x, shape))).then( // a synchronous throw becomes a reply too
      (prediction) => port.postMessage({ id, prediction } satisfies PredictReply, [prediction.values.buffer]),
      (e: unknown) => {
        const error = e instanceof Error ? { name: e.name, message: e.message } : { name: 'Error', message: String(e) };
        port.postMessage({ id, error } satisfies PredictReply, []);
      },
    );
  });
  port.start();
}

/**
 * The host's end: a predict function whose calls go as PredictRequests on `port` (x's buffer transferred) and
 * resolve with the worker's prediction, or reject with an Error of the worker's name and message. A call whose
 * worker dies never settles: the caller races it against the worker's exit (InferenceClient.call does).
 */
export function predictionCaller(port: Port): (x: Float32Array, shape: number[]) => Promise<PackedPrediction> {
  const pending = new Map<number, { resolve(p: PackedPrediction): void; reject(e: Error): void }>();
  let nextId = 0;
  port.addEventListener('message', (event) => {
    const reply = event.data as PredictReply;
    const call = pending.get(reply.id);
    if (!call) return;
    pending.delete(reply.id);
    if ('prediction' in reply) call.resolve(reply.prediction);
    else call.reject(Object.assign(new Error(reply.error.message), { name: reply.error.name }));
  });
  port.start();
  return (x, shape) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject });
      port.postMessage({ id, x, shape } satisfies PredictRequest, [x.buffer]);
    });
}
