// A wasm job's descriptor words, written by slot name from the op table (`wasmJobs`).
import { type WasmJob, type WasmJobArgs, wasmJobKinds, wasmJobs } from '../op-table.ts';

const bits = new Float32Array(1), bitsAsI32 = new Int32Array(bits.buffer);
/** The bit pattern of an f32, for a descriptor slot read as f32 by the kernel. */
function f32Bits(v: number): number {
  bits[0] = v;
  return bitsAsI32[0];
}

/** Per job: its index, its slot names in order and which of them are f32. */
const layouts = new Map(wasmJobKinds.map((kind, index) => {
  const slots = Object.entries(wasmJobs[kind]);
  return [kind, { index, names: slots.map(([name]) => name), isF32: slots.map(([, type]) => type === 'f32') }];
}));

/**
 * Writes a job's descriptor into `words` from index `at`: the job's kind, then every slot of the job in table
 * order, f32 slots as bit patterns. Written in place rather than built as an array: this runs on every kernel call.
 */
export function writeJob<K extends WasmJob>(kind: K, args: WasmJobArgs<K>, words: Int32Array, at: number): void {
  const { index, names, isF32 } = layouts.get(kind)!;
  words[at] = index;
  for (let k = 0; k < names.length; k++) {
    const v = (args as Record<string, number>)[names[k]];
    words[at + 1 + k] = isF32[k] ? f32Bits(v) : v;
  }
}
