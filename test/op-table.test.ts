// The op table is the one source of op codes, wasm job slots and WebGPU uniform fields: what the build
// generates from it must name every entry, and an unknown op name must be refused, not run as another op.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { UnaryOp } from '../src/backend/backend.ts';
import { JsBackend } from '../src/backend/js/js-backend.ts';
import { binaryCode, binaryOps, opConstant, reduceCode, reduceOps, unaryCode, unaryOps, wasmJobs } from '../src/backend/op-table.ts';
import { shaders } from '../src/backend/webgpu/shaders.generated.ts';
import { assemblyScriptTable, expectCases } from '../scripts/op-table-codegen.ts';
import { wasmBackends } from './helpers/wasm-backends.ts';

const wasm = wasmBackends();

describe('op table', () => {
  it('numbers each op by its place in the table', () => {
    unaryOps.forEach((op, k) => expect(unaryCode(op)).toBe(k));
    binaryOps.forEach((op, k) => expect(binaryCode(op)).toBe(k));
    reduceOps.forEach((op, k) => expect(reduceCode(op)).toBe(k));
  });

  it('refuses an unknown op name with an error naming it, on the table and on every backend', async () => {
    expect(() => unaryCode('erfc' as UnaryOp)).toThrow(/unknown unary op 'erfc'/);
    expect(() => binaryCode('atan2' as never)).toThrow(/unknown binary op 'atan2'/);
    const js = new JsBackend();
    const backend = await wasm({ threads: 1 });
    for (const b of [js, backend]) {
      const x = b.alloc(4, 'f32'), out = b.alloc(4, 'f32');
      expect(() => b.unary('erfc' as UnaryOp, x, out), b.name).toThrow(/erfc/);
      b.free(x);
      b.free(out);
    }
  });

  it('generates an AssemblyScript constant for every op, job kind and descriptor slot', () => {
    const table = assemblyScriptTable();
    for (const op of unaryOps) expect(table).toMatch(new RegExp(`\\b${op} = ${unaryCode(op)}\\b`));
    for (const [job, slots] of Object.entries(wasmJobs)) {
      expect(table).toContain(`${job[0].toUpperCase()}${job.slice(1)}Slot {`);
      Object.keys(slots).forEach((slot, k) => expect(table).toMatch(new RegExp(`\\b${slot} = ${k + 1}\\b`)));
    }
    expect(readFileSync(new URL('../assembly/table.generated.ts', import.meta.url), 'utf8')).toBe(table);
  });

  it('puts a named WGSL constant for every op code in the prelude every shader starts with', () => {
    for (const op of unaryOps) expect(shaders.prelude).toContain(`const ${opConstant('unary', op)}: u32 = ${unaryCode(op)}u;`);
    for (const op of binaryOps) expect(shaders.prelude).toContain(`const ${opConstant('binary', op)}: u32 = ${binaryCode(op)}u;`);
    for (const op of reduceOps) expect(shaders.prelude).toContain(`const ${opConstant('reduce', op)}: u32 = ${reduceCode(op)}u;`);
    expect(opConstant('unary', 'logSoftmax')).toBe('OP_LOG_SOFTMAX');
  });

  it('fails the build when a kernel has no case for an op of the table', () => {
    const cases = unaryOps.map((op) => opConstant('unary', op));
    expect(() => expectCases('shaders/elementwise.wgsl', shaders.elementwise, cases)).not.toThrow();
    const withoutAbs = shaders.elementwise.replace('case OP_ABS:', 'case 7u:');
    expect(() => expectCases('shaders/elementwise.wgsl', withoutAbs, cases)).toThrow(/no case for OP_ABS/);
  });
});
