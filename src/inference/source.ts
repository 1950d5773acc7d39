// The bytes of a model given as a URL (http(s), relative to the page, or file: in Node) or as bytes.
export type ModelSource = string | URL | Uint8Array | ArrayBuffer;

export async function modelBytes(source: ModelSource): Promise<Uint8Array> {
  if (source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  const url = new URL(source, globalThis.location?.href);
  if (url.protocol === 'file:') {
    const { readFile } = await import('node:fs/promises');
    return new Uint8Array(await readFile(url));
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(`createInferenceWorker: fetching ${url} gave HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}
