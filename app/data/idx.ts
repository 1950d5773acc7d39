// The idx file format of MNIST and Fashion-MNIST: a 4-byte magic (two zero bytes, a type code, the number
// of dimensions), one big-endian u32 per dimension, then the values, big-endian, row-major.

/** Values of an idx file, by type code: 0x08 u8, 0x09 i8, 0x0B i16, 0x0C i32, 0x0D f32, 0x0E f64. */
export type IdxData = Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;

export interface IdxArray {
  /** One size per dimension, as stored (e.g. [60000, 28, 28] for images, [60000] for labels). */
  shape: number[];
  data: IdxData;
}

const types: Record<number, { bytes: number; make: (n: number) => IdxData; read: (v: DataView, at: number) => number }> = {
  0x08: { bytes: 1, make: (n) => new Uint8Array(n), read: (v, at) => v.getUint8(at) },
  0x09: { bytes: 1, make: (n) => new Int8Array(n), read: (v, at) => v.getInt8(at) },
  0x0b: { bytes: 2, make: (n) => new Int16Array(n), read: (v, at) => v.getInt16(at) },
  0x0c: { bytes: 4, make: (n) => new Int32Array(n), read: (v, at) => v.getInt32(at) },
  0x0d: { bytes: 4, make: (n) => new Float32Array(n), read: (v, at) => v.getFloat32(at) },
  0x0e: { bytes: 8, make: (n) => new Float64Array(n), read: (v, at) => v.getFloat64(at) },
};

/**
 * Parses an (uncompressed) idx file.
 * @param name the file's name, used in error messages.
 * @throws when the magic, the type code or the length does not match the header.
 */
export function parseIdx(bytes: Uint8Array, name = 'idx file'): IdxArray {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 4 || view.getUint16(0) !== 0) throw new Error(`${name}: not an idx file (it does not start with two zero bytes)`);
  const type = types[bytes[2]];
  if (!type) throw new Error(`${name}: unknown idx type code 0x${bytes[2].toString(16).padStart(2, '0')}`);
  const rank = bytes[3], start = 4 + 4 * rank;
  if (bytes.length < start) throw new Error(`${name}: ${bytes.length} bytes cannot hold the header of ${rank} dimensions`);
  const shape = Array.from({ length: rank }, (_, d) => view.getUint32(4 + 4 * d));
  const n = shape.reduce((a, b) => a * b, 1);
  if (bytes.length !== start + n * type.bytes) {
    throw new Error(`${name}: the header says [${shape.join(', ')}] (${start + n * type.bytes} bytes) but the file has ${bytes.length} bytes`);
  }
  if (bytes[2] === 0x08) return { shape, data: bytes.slice(start) }; // single bytes: no byte order to undo
  const data = type.make(n);
  for (let i = 0; i < n; i++) data[i] = type.read(view, start + i * type.bytes);
  return { shape, data };
}
