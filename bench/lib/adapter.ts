// Which WebGPU adapter this machine offers the engine: a hardware one, a software one (SwiftShader: CPU
// timings, no GPU figure), or none, with the reason.
import * as bg from '../../src/index.ts';

export type AdapterKind = { kind: 'hardware' | 'software'; adapter: string } | { kind: 'none'; reason: string };

export async function probeAdapter(): Promise<AdapterKind> {
  try {
    const details = (await bg.getBackend('webgpu')).info().details;
    return { kind: details.software === true ? 'software' : 'hardware', adapter: String(details.adapter) };
  } catch (e) {
    return { kind: 'none', reason: e instanceof Error ? e.message : String(e) };
  }
}
