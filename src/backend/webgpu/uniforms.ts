// Writes a kernel's uniform struct by field name: the fields and their order are the op table's
// `gpuUniforms`, the offsets follow WGSL's layout rules (4-byte scalars; the Walk struct aligned to 16).
import { type GpuUniform, gpuUniforms, type UniformType } from '../op-table.ts';
import type { Uniforms } from './batch.ts';
import { type Walk, writeWalk } from './strided.ts';

/** A Walk field's value: the walk and the element offsets of its two operands. */
export type WalkValue = readonly [walk: Walk, offsetA: number, offsetB: number];

type Fields<S extends GpuUniform> = (typeof gpuUniforms)[S];
/** Values for some fields of struct S (the others are 0). */
export type UniformValues<S extends GpuUniform> = { [F in keyof Fields<S>]?: Fields<S>[F] extends 'Walk' ? WalkValue : number };

const sizes: Record<UniformType, { bytes: number; align: number }> = {
  u32: { bytes: 4, align: 4 },
  i32: { bytes: 4, align: 4 },
  f32: { bytes: 4, align: 4 },
  Walk: { bytes: 112, align: 16 }, // 3 × array<vec4, 2> + vec2<i32>, rounded up to its alignment
};

/** Word offset and type of every field of every struct. */
const layouts = new Map(
  Object.entries(gpuUniforms).map(([struct, fields]) => {
    let offset = 0;
    const words = new Map<string, { word: number; type: UniformType }>();
    for (const [name, type] of Object.entries(fields) as [string, UniformType][]) {
      offset = Math.ceil(offset / sizes[type].align) * sizes[type].align;
      words.set(name, { word: offset / 4, type });
      offset += sizes[type].bytes;
    }
    return [struct, words];
  }),
);

/** Writes `values` into the uniform slot `u` as struct `struct` lays them out. */
export function writeUniforms<S extends GpuUniform>(u: Uniforms, struct: S, values: UniformValues<S>): void {
  const layout = layouts.get(struct)!;
  for (const [name, value] of Object.entries(values) as [string, number | WalkValue][]) {
    const field = layout.get(name);
    if (!field) throw new Error(`webgpu backend: uniform struct ${struct} has no field '${name}'`);
    if (typeof value !== 'number') writeWalk(u, field.word, value[0], value[1], value[2]);
    else u[field.type as 'u32' | 'i32' | 'f32'](field.word, value);
  }
}
