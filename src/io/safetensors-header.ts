// The safetensors header, checked against every rule of the format (the format's README, "Format", and
// its reference loader): an 8-byte little-endian length N ≤ 100,000,000; N bytes of UTF-8 JSON that begin
// with '{' (trailing spaces allowed); no key twice in any object; `__metadata__` a string-to-string map;
// each tensor { dtype, shape, data_offsets: [begin, end] } with end - begin = product(shape) · dtype size;
// the tensors' byte ranges, in order, tile the data section from 0 to its last byte: no overlap, no hole,
// nothing after the last tensor.
import { visit } from 'jsonc-parser';
import { formatShape, sizeOf } from '../shapes.ts';

/** Every dtype name the format defines, and its element size in bytes. */
export const formatDtypeBytes: Record<string, number> = {
  BOOL: 1, U8: 1, I8: 1, F8_E5M2: 1, F8_E4M3: 1, I16: 2, U16: 2, F16: 2, BF16: 2, I32: 4, U32: 4, F32: 4, F64: 8, I64: 8, U64: 8,
};

/** The format's own limit on the JSON header, in bytes. */
export const MAX_HEADER_BYTES = 100_000_000;

export interface HeaderEntry {
  name: string;
  dtype: string;
  shape: number[];
  begin: number;
  end: number;
}

export interface Header {
  metadata: Record<string, string>;
  /** The tensors in the order of their data. */
  entries: HeaderEntry[];
  /** Where the data section starts in the file. */
  dataStart: number;
}

export function fail(message: string): never {
  throw new Error(`safetensors: ${message}`);
}

/**
 * Reads and checks the header of a whole safetensors file; `readable` lists the dtypes the caller decodes
 * (a format dtype outside it is refused as unsupported, a name outside the format as unknown).
 */
export function readHeader(bytes: Uint8Array, readable: readonly string[]): Header {
  if (bytes.length < 8) fail(`the file is ${bytes.length} bytes, too short for the 8-byte header length`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerBytes = view.getUint32(0, true) + view.getUint32(4, true) * 2 ** 32;
  if (headerBytes > MAX_HEADER_BYTES) fail(`header length ${headerBytes} is over the format's limit of ${MAX_HEADER_BYTES} bytes`);
  if (headerBytes > bytes.length - 8) fail(`header length ${headerBytes} is beyond the end of the file (${bytes.length - 8} bytes follow the length)`);
  const header = parseJson(bytes.subarray(8, 8 + headerBytes));
  const dataStart = 8 + headerBytes;
  const metadata = parseMetadata(header.__metadata__);
  const entries = Object.entries(header)
    .filter(([name]) => name !== '__metadata__')
    .map(([name, raw]) => parseEntry(name, raw, readable));
  checkTiling(entries, bytes.length - dataStart);
  return { metadata, entries, dataStart };
}

function parseJson(raw: Uint8Array): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(raw);
  } catch {
    fail('the header is not valid UTF-8');
  }
  if (text[0] !== '{') fail(`the header must begin with '{', found ${JSON.stringify(text.slice(0, 1))}`);
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (err) {
    fail(`the header is not valid JSON (${(err as Error).message})`);
  }
  if (!isObject(header)) fail('the header must be a JSON object');
  const duplicate = duplicateKey(text);
  if (duplicate) fail(`the header holds the key '${duplicate.key}' twice${duplicate.within ? ` within '${duplicate.within}'` : ''} (the format disallows duplicate keys)`);
  return header;
}

/**
 * The first key that appears twice in one JSON object, at any depth, and the key of the object holding it.
 * JSON.parse keeps the last silently; jsonc-parser's visitor reports every key, unescaped, so that "w" and
 * "\u0077" are seen as the same key.
 */
function duplicateKey(text: string): { key: string; within: string | null } | null {
  const open: { keys: Set<string>; name: string | null }[] = [];
  let lastKey: string | null = null;
  let found: { key: string; within: string | null } | null = null;
  visit(text, {
    onObjectBegin: () => {
      open.push({ keys: new Set(), name: lastKey });
    },
    onObjectProperty: (key) => {
      const top = open[open.length - 1];
      if (!found && top.keys.has(key)) found = { key, within: top.name };
      top.keys.add(key);
      lastKey = key;
    },
    onObjectEnd: () => {
      open.pop();
    },
    onArrayBegin: () => {
      lastKey = null;
    },
  });
  return found;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseMetadata(raw: unknown): Record<string, string> {
  if (raw === undefined) return {};
  if (!isObject(raw)) fail(`__metadata__ must map strings to strings, got ${JSON.stringify(raw)}`);
  for (const [key, value] of Object.entries(raw)) {
    if (typeof value !== 'string') fail(`__metadata__ must map strings to strings: '${key}' holds ${JSON.stringify(value)}`);
  }
  return raw as Record<string, string>;
}

export function isCount(v: unknown): v is number {
  return Number.isSafeInteger(v) && (v as number) >= 0;
}

function parseEntry(name: string, raw: unknown, readable: readonly string[]): HeaderEntry {
  const at = `tensor '${name}'`;
  if (!isObject(raw)) fail(`${at}: the entry must be an object with dtype, shape and data_offsets`);
  const { dtype, shape, data_offsets: offsets } = raw;
  if (typeof dtype !== 'string' || !Object.hasOwn(formatDtypeBytes, dtype)) {
    fail(`${at}: ${JSON.stringify(dtype)} is not a safetensors dtype (the format's are ${Object.keys(formatDtypeBytes).join(', ')})`);
  }
  if (!readable.includes(dtype)) fail(`${at}: unsupported dtype ${JSON.stringify(dtype)} (supported: ${readable.join(', ')})`);
  if (!Array.isArray(shape) || !shape.every(isCount)) fail(`${at}: shape must be an array of non-negative integers, got ${JSON.stringify(shape)}`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[0] > offsets[1]) {
    fail(`${at}: data_offsets must be [begin, end] with 0 <= begin <= end, got ${JSON.stringify(offsets)}`);
  }
  const [begin, end] = offsets as [number, number];
  const needed = sizeOf(shape) * formatDtypeBytes[dtype];
  if (!Number.isSafeInteger(needed)) fail(`${at}: shape ${formatShape(shape)} of ${dtype} is too large to address`);
  if (needed !== end - begin) {
    fail(`${at}: shape ${formatShape(shape)} of ${dtype} needs ${needed} bytes but data_offsets [${begin}, ${end}] span ${end - begin}`);
  }
  return { name, dtype, shape, begin, end };
}

/** Orders the entries by their data and checks that they tile [0, dataLength) exactly. */
function checkTiling(entries: HeaderEntry[], dataLength: number): void {
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let covered = 0, previous: HeaderEntry | null = null;
  for (const e of entries) {
    if (e.end > dataLength) fail(`tensor '${e.name}': data_offsets [${e.begin}, ${e.end}] are out of range: the data section has ${dataLength} bytes`);
    if (e.begin < covered) fail(`tensors '${previous!.name}' [${previous!.begin}, ${previous!.end}] and '${e.name}' [${e.begin}, ${e.end}] overlap`);
    if (e.begin > covered) {
      const after = previous ? `after tensor '${previous.name}' (which ends at ${covered})` : 'at the start of the data section';
      fail(`tensor '${e.name}': data_offsets [${e.begin}, ${e.end}] leave ${e.begin - covered} bytes ${after} that belong to no tensor (the format allows no holes)`);
    }
    covered = e.end;
    previous = e;
  }
  if (covered !== dataLength) {
    fail(`${dataLength - covered} bytes after the last tensor's data belong to no tensor (the data section has ${dataLength} bytes, the tensors cover ${covered})`);
  }
}
