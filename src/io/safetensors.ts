// safetensors: an 8-byte little-endian header length, a JSON header, then the tensors' bytes.
// Read: F32, F16, BF16 -> Float32Array (exact); I32, I64 -> Int32Array (an I64 value outside the
// 32-bit range is an error). Write: any of the five from Float32Array (floats) or Int32Array (ints).
import type { Module, LoadOptions, StateValue } from '../nn/module.ts';
import { type Tensor } from '../tensor.ts';
import { formatShape, sizeOf } from '../shapes.ts';
import { bfloat16ToFloat, floatToBfloat16, floatToHalf, halfToFloat } from './half.ts';
import { fail, isCount, readHeader, type HeaderEntry } from './safetensors-header.ts';
import { stateTensors } from './state-tensors.ts';

/**
 * A dtype of the safetensors format that blockgrad reads and writes, by the spec's names: `F32`, `F16`, `BF16`
 * (read into a Float32Array exactly) and `I32`, `I64` (read into an Int32Array; an I64 outside the 32-bit range throws).
 */
export type SafetensorsDType = 'F32' | 'F16' | 'BF16' | 'I32' | 'I64';

/** One tensor read from a safetensors file, its values converted to f32 or i32. */
export interface SafetensorsTensor {
  /** The dtype stored in the file (the data is converted as described above). */
  dtype: SafetensorsDType;
  /** The header's `shape`, outermost first (`[]` for a scalar). */
  shape: number[];
  /** The values, row-major: Float32Array for F32, F16 and BF16, Int32Array for I32 and I64. */
  data: Float32Array | Int32Array;
}

/** What `readSafetensors` returns: every tensor of the file by its key, and the metadata. */
export interface Safetensors {
  /** The tensors by their keys (PyTorch state-dict keys for a saved model), in the order of the header. */
  tensors: Record<string, SafetensorsTensor>;
  /** The header's `__metadata__` (string to string), empty when absent. */
  metadata: Record<string, string>;
}

/** A state-dict value on the host. */
export type HostValue = Exclude<StateValue, Tensor>;

/** One tensor for `writeSafetensors`: host values, their shape, and the dtype to store them as. */
export interface TensorToWrite {
  /** Default: F32 for a Float32Array, I32 for an Int32Array. */
  dtype?: SafetensorsDType;
  /** Dimensions, outermost first; their product must be `data.length`. */
  shape: readonly number[];
  /** The values, row-major: floats for F32, F16 and BF16 (rounded to nearest even), ints for I32 and I64. */
  data: Float32Array | Int32Array;
}

interface Codec {
  bytes: number;
  float: boolean;
  get(view: DataView, at: number): number;
  set(view: DataView, at: number, x: number): void;
}

const codecs: Record<SafetensorsDType, Codec> = {
  F32: { bytes: 4, float: true, get: (v, at) => v.getFloat32(at, true), set: (v, at, x) => v.setFloat32(at, x, true) },
  F16: { bytes: 2, float: true, get: (v, at) => halfToFloat(v.getUint16(at, true)), set: (v, at, x) => v.setUint16(at, floatToHalf(x), true) },
  BF16: { bytes: 2, float: true, get: (v, at) => bfloat16ToFloat(v.getUint16(at, true)), set: (v, at, x) => v.setUint16(at, floatToBfloat16(x), true) },
  I32: { bytes: 4, float: false, get: (v, at) => v.getInt32(at, true), set: (v, at, x) => v.setInt32(at, x, true) },
  I64: { bytes: 8, float: false, get: (v, at) => Number(v.getBigInt64(at, true)), set: (v, at, x) => v.setBigInt64(at, BigInt(x), true) },
};

const INT32_MIN = -(2 ** 31), INT32_MAX = 2 ** 31 - 1;

/**
 * Parses and checks a safetensors file (every rule of the format: see safetensors-header.ts); the tensors'
 * data are copies.
 * @throws Error naming the key or the byte range at fault, for a malformed or unsupported file.
 */
export function readSafetensors(bytes: Uint8Array): Safetensors {
  const { metadata, entries, dataStart } = readHeader(bytes, Object.keys(codecs));
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const tensors: Record<string, SafetensorsTensor> = {};
  for (const e of entries) tensors[e.name] = { dtype: e.dtype as SafetensorsDType, shape: e.shape, data: decode(e, view, dataStart) };
  return { tensors, metadata };
}

function decode(e: HeaderEntry, view: DataView, dataStart: number): Float32Array | Int32Array {
  const codec = codecs[e.dtype as SafetensorsDType];
  const count = (e.end - e.begin) / codec.bytes, base = dataStart + e.begin;
  const out = codec.float ? new Float32Array(count) : new Int32Array(count);
  for (let i = 0; i < count; i++) {
    const x = codec.get(view, base + i * codec.bytes);
    if (!codec.float && (x < INT32_MIN || x > INT32_MAX)) fail(`tensor '${e.name}': ${e.dtype} value ${x} at index ${i} does not fit in 32 bits`);
    out[i] = x;
  }
  return out;
}

/**
 * Serialises tensors (and optional string metadata) in the safetensors format; the header is padded to a
 * multiple of 8 bytes, the data little-endian in key order.
 * @throws Error naming the tensor when a key is `__metadata__`, a dtype is unsupported or does not fit the
 *   array (floats from a Float32Array, ints from an Int32Array), or the shape does not hold the data's length.
 */
export function writeSafetensors(tensors: Record<string, TensorToWrite>, metadata?: Record<string, string>): Uint8Array {
  const entries = Object.entries(tensors).map(([name, t]) => checkWritable(name, t));
  // Widest elements first, so that every tensor starts aligned to its element size.
  entries.sort((a, b) => codecs[b.dtype].bytes - codecs[a.dtype].bytes);
  const header: Record<string, unknown> = metadata ? { __metadata__: metadata } : {};
  let offset = 0;
  for (const e of entries) {
    const size = e.data.length * codecs[e.dtype].bytes;
    header[e.name] = { dtype: e.dtype, shape: e.shape, data_offsets: [offset, offset + size] };
    offset += size;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerBytes = Math.ceil(json.length / 8) * 8;
  const out = new Uint8Array(8 + headerBytes + offset);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerBytes % 2 ** 32, true);
  view.setUint32(4, Math.floor(headerBytes / 2 ** 32), true);
  out.set(json, 8);
  out.fill(0x20, 8 + json.length, 8 + headerBytes); // spaces: still valid JSON
  let at = 8 + headerBytes;
  for (const e of entries) {
    const codec = codecs[e.dtype];
    for (let i = 0; i < e.data.length; i++, at += codec.bytes) codec.set(view, at, e.data[i]);
  }
  return out;
}

function checkWritable(name: string, t: TensorToWrite): { name: string; dtype: SafetensorsDType; shape: number[]; data: Float32Array | Int32Array } {
  const at = `tensor '${name}'`;
  if (name === '__metadata__') fail(`'__metadata__' is reserved and cannot name a tensor`);
  const dtype = t.dtype ?? (t.data instanceof Int32Array ? 'I32' : 'F32');
  if (!Object.hasOwn(codecs, dtype)) fail(`${at}: unsupported dtype '${dtype}' (supported: ${Object.keys(codecs).join(', ')})`);
  if (codecs[dtype].float !== t.data instanceof Float32Array) {
    fail(`${at}: ${dtype} is written from ${codecs[dtype].float ? 'a Float32Array' : 'an Int32Array'}, got ${t.data.constructor.name}`);
  }
  if (!t.shape.every(isCount)) fail(`${at}: shape ${formatShape(t.shape)} must hold non-negative integers`);
  const size = sizeOf(t.shape);
  if (size !== t.data.length) fail(`${at}: shape ${formatShape(t.shape)} has ${size} elements but the data has ${t.data.length}`);
  return { name, dtype, shape: [...t.shape], data: t.data };
}

/**
 * A module's state dict as safetensors bytes: PyTorch's dotted keys, the packed [G, O, I] layout; parameters
 * and float buffers F32, integer buffers (BatchNorm's num_batches_tracked) I64 as PyTorch stores them.
 * `__metadata__` holds the model's own entries (`Module.fileMetadata`: a PackedMLP's architecture) and then
 * `metadata`'s.
 * @throws Error (as a rejection) when a tensor was disposed or its backend's device was lost.
 */
export async function saveSafetensors(model: Module, metadata: Record<string, string> = {}): Promise<Uint8Array> {
  const tensors: Record<string, TensorToWrite> = Object.fromEntries(await stateTensors(model));
  const entries = { ...model.fileMetadata(), ...metadata };
  return writeSafetensors(tensors, Object.keys(entries).length > 0 ? entries : undefined);
}

/** A file's tensors as state-dict values (integers converted to f32, as PyTorch's copy_ does). */
export function stateValues(tensors: Record<string, SafetensorsTensor>): Record<string, HostValue> {
  const out: Record<string, HostValue> = {};
  for (const [key, t] of Object.entries(tensors)) out[key] = { shape: t.shape, data: t.data instanceof Float32Array ? t.data : Float32Array.from(t.data) };
  return out;
}

/**
 * Reads safetensors bytes into a module's parameters (keys and shapes checked); returns the file.
 * @throws Error on a malformed file (see readSafetensors), or keys or shapes that do not match the model's
 * (all of them named); nothing is copied then.
 */
export function loadSafetensors(model: Module, bytes: Uint8Array, options?: LoadOptions): Safetensors {
  const file = readSafetensors(bytes);
  model.loadStateDict(stateValues(file.tensors), options);
  return file;
}
