// The bytes of a model, from wherever the caller has it: bytes, a URL, or (in Node) a file path.

/**
 * Where `createInferenceWorker` finds the safetensors file:
 * - `Uint8Array` or `ArrayBuffer`: the file's bytes, anywhere.
 * - `URL`: fetched (`http:`, `https:`, `data:`, `blob:`); a `file:` URL is read from disk in Node.
 * - `string` in a page or a Web Worker: a URL, absolute or relative to the page (`'/digits-model.safetensors'`).
 * - `string` in Node: an absolute `http:`/`https:`/`file:` URL, else a file path, absolute or relative
 *   to the working directory (`'/srv/models/digits.safetensors'`, `'model.safetensors'`).
 */
export type ModelSource = string | URL | Uint8Array | ArrayBuffer;

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';
/** Pages and Web Workers have a location; Node (and Deno, Bun without one) reads paths from disk. */
const inPage = typeof (globalThis as { location?: unknown }).location !== 'undefined';

/**
 * The model's bytes.
 * @throws Error naming the source when it is none of the four kinds, a file cannot be read, a fetch fails or answers
 * with an HTTP error, or a string is neither a URL nor (in Node) a path.
 */
export async function modelBytes(source: ModelSource): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  if (typeof source !== 'string' && !(source instanceof URL) && !(source instanceof ArrayBuffer)) {
    const kind = source === null ? 'null' : typeof source === 'object' ? (source as object).constructor?.name ?? 'an object' : `${typeof source} ${String(source)}`;
    throw new Error(`createInferenceWorker: model must be the safetensors file's bytes (Uint8Array or ArrayBuffer), a URL or a path, got ${kind}`);
  }
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (typeof source === 'string' && !inPage && isNode && !/^(https?|file):/i.test(source)) return readFileBytes(source);
  const url = source instanceof URL ? source : new URL(source, (globalThis as { location?: { href: string } }).location?.href);
  return url.protocol === 'file:' && isNode ? readFileBytes(url) : fetchBytes(url);
}

async function readFileBytes(path: string | URL): Promise<Uint8Array> {
  const { readFile } = await import('node:fs/promises');
  try {
    return new Uint8Array(await readFile(path));
  } catch (err) {
    throw new Error(`createInferenceWorker: cannot read the model file '${String(path)}': ${(err as Error).message}`);
  }
}

async function fetchBytes(url: URL): Promise<Uint8Array> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (err) {
    throw new Error(`createInferenceWorker: fetching ${url.href} failed: ${(err as Error).message}`);
  }
  if (!response.ok) throw new Error(`createInferenceWorker: fetching ${url.href} gave HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}
