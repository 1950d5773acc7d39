// A minimal protocol-buffers wire-format encoder: enough to write messages field by field
// (varints, 32-bit floats, length-delimited strings, bytes, nested messages and packed repeats).

const enum Wire {
  Varint = 0,
  Fixed32 = 5,
  LengthDelimited = 2,
}

const utf8 = new TextEncoder();
const littleEndianHost = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Appends fields to a growing byte buffer; `finish()` returns the encoded message. */
export class ProtoWriter {
  private buf = new Uint8Array(256);
  private len = 0;

  /** An int32/int64/enum/bool field (negative values take ten bytes, as protobuf specifies). */
  int(field: number, value: number | bigint | boolean): this {
    this.tag(field, Wire.Varint);
    this.varint(BigInt.asUintN(64, BigInt(value)));
    return this;
  }

  /** A float field (fixed 32 bits, little-endian). */
  float(field: number, value: number): this {
    this.tag(field, Wire.Fixed32);
    const at = this.reserve(4);
    new DataView(this.buf.buffer).setFloat32(at, value, true);
    return this;
  }

  string(field: number, value: string): this {
    return this.bytes(field, utf8.encode(value));
  }

  bytes(field: number, value: Uint8Array): this {
    this.tag(field, Wire.LengthDelimited);
    this.varint(BigInt(value.length));
    this.reserve(value.length);
    this.buf.set(value, this.len - value.length);
    return this;
  }

  /** A nested message, written by `write` into its own writer. */
  message(field: number, write: (w: ProtoWriter) => void): this {
    const inner = new ProtoWriter();
    write(inner);
    return this.bytes(field, inner.finish());
  }

  /** A packed repeated int64/int32 field. */
  packedInts(field: number, values: ArrayLike<number | bigint>): this {
    const inner = new ProtoWriter();
    for (let i = 0; i < values.length; i++) inner.varint(BigInt.asUintN(64, BigInt(values[i])));
    return this.bytes(field, inner.finish());
  }

  /** A packed repeated float field. */
  packedFloats(field: number, values: ArrayLike<number>): this {
    const data = Float32Array.from(values);
    return this.bytes(field, littleEndianBytes(data));
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }

  private tag(field: number, wire: Wire): void {
    this.varint(BigInt((field << 3) | wire));
  }

  private varint(value: bigint): void {
    let v = value;
    while (v >= 0x80n) {
      this.byte(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    this.byte(Number(v));
  }

  private byte(b: number): void {
    const at = this.reserve(1); // before reading this.buf, which reserve may replace
    this.buf[at] = b;
  }

  /** Makes room for n more bytes; returns where they start. */
  private reserve(n: number): number {
    if (this.len + n > this.buf.length) {
      const grown = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
      grown.set(this.buf.subarray(0, this.len));
      this.buf = grown;
    }
    const at = this.len;
    this.len += n;
    return at;
  }
}

/** The bytes of a typed array in little-endian order (protobuf's and ONNX raw_data's byte order). */
export function littleEndianBytes(data: Float32Array | Int32Array | BigInt64Array | Float64Array): Uint8Array {
  if (littleEndianHost) return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
  const out = new Uint8Array(data.byteLength);
  const view = new DataView(out.buffer);
  const width = data.BYTES_PER_ELEMENT;
  for (let i = 0; i < data.length; i++) {
    const at = i * width;
    if (data instanceof Float32Array) view.setFloat32(at, data[i], true);
    else if (data instanceof Int32Array) view.setInt32(at, data[i], true);
    else if (data instanceof Float64Array) view.setFloat64(at, data[i], true);
    else view.setBigInt64(at, data[i], true);
  }
  return out;
}
