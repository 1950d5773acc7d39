// A wasm job's descriptor words, written by slot name from the op table (`wasmJobs`).
import { type WasmJob, type WasmJobArgs, wasmJobKinds, wasmJobs } from '../op-table.ts';

const bits = new DataView(new ArrayBuffer(4));
/** The bit pattern of an f32, for a descriptor slot read as f32 by the kernel. */
function f32Bits(v: number): number {
  bits.setFloat32(0, v, true);
  return bits.getInt32(0, true);
}

/** Per job: its slot names in order and which of them are f32. */
const layouts = new Map(wasmJobKinds.map((kind) => [kind, Object.entries(wasmJobs[kind]).map(([name, type]) => [name, type === 'f32'] as const)]));

/** Slot 0 the job's kind, then every slot of the job in table order; f32 slots as bit patterns. */
export function jobWords<K extends WasmJob>(kind: K, args: WasmJobArgs<K>): number[] {
  const words = [wasmJobKinds.indexOf(kind)];
  for (const [name, isF32] of layouts.get(kind)!) {
    const v = (args as Record<string, number>)[name];
    words.push(isF32 ? f32Bits(v) : v);
  }
  return words;
}
