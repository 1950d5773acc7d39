// The benchmark measures the build Chrome (≥ 114) and Node ≥ 22 run by default: relaxed SIMD. Node 20
// validates it only behind a V8 flag, which is set here for this process (and handed to child processes)
// before any kernel module compiles.
import { setFlagsFromString } from 'node:v8';
import { validatesRelaxedSimd } from '../../src/backend/wasm/module.ts';

const FLAG = '--experimental-wasm-relaxed-simd';
let flagSet = false;
let outcome: string | undefined;

/** Turns relaxed SIMD on where a flag can (once); returns how this process runs it. */
export function enableRelaxedSimd(): string {
  outcome ??= turnOn();
  return outcome;
}

function turnOn(): string {
  if (validatesRelaxedSimd()) return 'relaxed SIMD, on by default in this Node';
  setFlagsFromString(FLAG);
  if (!validatesRelaxedSimd()) return `plain SIMD: this host runs no relaxed SIMD, even with ${FLAG}`;
  flagSet = true;
  return `relaxed SIMD, turned on with ${FLAG} (Node ${process.versions.node} ships it off; Chrome ≥ 114 and Node ≥ 22 on)`;
}

/** Node options a child process needs to run the same wasm features as this one. */
export const childNodeFlags = (): string[] => (flagSet ? [FLAG] : []);
