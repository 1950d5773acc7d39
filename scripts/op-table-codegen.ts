// Writes the op table (src/backend/op-table.ts) out for the other two languages: the AssemblyScript constants
// (op codes, job kinds, descriptor slots, control-area offsets) and the WGSL prelude (op-code constants, the
// uniform structs). Used by scripts/build-wasm.ts and scripts/build-shaders.ts.
import { binaryOps, gpuUniforms, opConstant, reduceOps, unaryOps, WASM_DESC_SLOTS, wasmJobs } from '../src/backend/op-table.ts';
import { CLAIM, DESC_WORD, DONE, JOB, SECOND_DESC_WORD, SPLIT, VIEW_WORD } from '../src/backend/wasm/control.ts';

const header = '// Generated from src/backend/op-table.ts by scripts/op-table-codegen.ts. Do not edit.';
const capitalised = (s: string): string => s[0].toUpperCase() + s.slice(1);
const enumOf = (name: string, members: [string, number][]): string =>
  `export const enum ${name} { ${members.map(([m, v]) => `${m} = ${v}`).join(', ')} }`;

/** assembly/table.generated.ts */
export function assemblyScriptTable(): string {
  const lines = [
    header,
    enumOf('Unary', unaryOps.map((op, k) => [op, k])),
    enumOf('Binary', binaryOps.map((op, k) => [op, k])),
    enumOf('Reduce', reduceOps.map((op, k) => [op, k])),
    enumOf('Kind', Object.keys(wasmJobs).map((job, k) => [job, k])),
  ];
  for (const [job, slots] of Object.entries(wasmJobs)) {
    const names = Object.keys(slots);
    if (names.length + 1 > WASM_DESC_SLOTS) throw new Error(`op table: wasm job '${job}' has ${names.length} slots, more than ${WASM_DESC_SLOTS - 1}`);
    lines.push(enumOf(`${capitalised(job)}Slot`, names.map((s, k) => [s, k + 1])));
  }
  lines.push(
    '/** Byte offsets in the control area (src/backend/wasm/control.ts). */',
    `export const CLAIM: usize = ${CLAIM * 4};`,
    `export const JOB: usize = ${JOB * 4};`,
    `export const DONE: usize = ${DONE * 4};`,
    `export const SPLIT: usize = ${SPLIT * 4};`,
    `export const DESC: usize = ${DESC_WORD * 4};`,
    `export const SECOND_DESC: usize = ${SECOND_DESC_WORD * 4};`,
    `export const VIEW: usize = ${VIEW_WORD * 4};`,
    '',
  );
  return lines.join('\n');
}

/** The WGSL prelude every shader module starts with. */
export function wgslPrelude(): string {
  const constants = new Map<string, number>();
  const add = (kind: 'unary' | 'binary' | 'reduce', ops: readonly string[]): void =>
    ops.forEach((op, k) => {
      const name = opConstant(kind, op);
      if (constants.has(name)) throw new Error(`op table: two ops share the WGSL constant ${name}`);
      constants.set(name, k);
    });
  add('unary', unaryOps);
  add('binary', binaryOps);
  add('reduce', reduceOps);
  const lines = [header, ...[...constants].map(([name, k]) => `const ${name}: u32 = ${k}u;`)];
  for (const [struct, fields] of Object.entries(gpuUniforms)) {
    lines.push(`struct ${struct} {`, ...Object.entries(fields).map(([f, t]) => `  ${f}: ${t},`), '}');
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Build-time check that a kernel source handles every op of the table: `case <prefix><op>` must appear
 * for each (an op added to the table but not to a kernel fails the build, not a run).
 */
export function expectCases(file: string, source: string, cases: string[]): void {
  const missing = cases.filter((c) => !new RegExp(`case ${c.replace('.', '\\.')}\\b`).test(source));
  if (missing.length) throw new Error(`${file}: no case for ${missing.join(', ')} of the op table (src/backend/op-table.ts)`);
}
