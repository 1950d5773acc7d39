// A module's state dict read back to the host, as the safetensors writers store it (not exported by io/index.ts).
import type { Module } from '../nn/module.ts';

/** One state-dict entry on the host: floats (written F32), or integers with dtype I64. */
export type StateTensor = { shape: readonly number[]; data: Float32Array } | { shape: readonly number[]; data: Int32Array; dtype: 'I64' };

/**
 * Every parameter and buffer of `model` by key, in stateDict order, read back from its backend: floats as
 * they are, integer buffers (BatchNorm's num_batches_tracked) as I64, the dtype PyTorch stores them in.
 */
export async function stateTensors(model: Module): Promise<[string, StateTensor][]> {
  const out: [string, StateTensor][] = [];
  for (const [key, t] of Object.entries(model.stateDict())) {
    const data = await t.data();
    out.push([key, data instanceof Int32Array ? { shape: t.shape, data, dtype: 'I64' } : { shape: t.shape, data }]);
  }
  return out;
}
