// Layout of the control area in shared memory. The AssemblyScript side gets these offsets generated
// (scripts/op-table-codegen.ts); the job kinds and descriptor slots are the op table's `wasmJobs`.
import { WASM_DESC_SLOTS } from '../op-table.ts';
import { VIEW_WORDS } from './view.ts';

/** i32 word indices, relative to the start of the control area. */
export const SIGNAL = 0; // bumped to wake the workers for a new job
export const QUIT = 1; // set once, at dispose
export const CLAIM = 2; // (generation << 16) | next task index
export const JOB = 3; // (generation << 16) | task count
export const DONE = 4; // tasks finished in this generation
export const LOST = 5; // tasks abandoned by workers that died holding them (bumped by the dying worker)
export const CRASH = 6; // test hook: thread index of a worker told to die holding its next task (0 = none)
export const SPLIT = 7; // tasks of the first descriptor; the job's later tasks run the second (two GEMMs side by side)

/** The job descriptor: slot 0 is the kind, then the job's slots (src/backend/op-table.ts, `wasmJobs`). */
export const DESC_WORD = 16;
/** The second descriptor of a job that runs two GEMMs side by side (its tasks from SPLIT on). */
export const SECOND_DESC_WORD = DESC_WORD + WASM_DESC_SLOTS;
/** A rank-6 strided view (shape, two stride sets) used by the binary and copy kernels. */
export const VIEW_WORD = SECOND_DESC_WORD + WASM_DESC_SLOTS;
/** The window walk of a GEMM over patches (blockGemm's `patches`), past the view. */
export const WALK_WORD = VIEW_WORD + VIEW_WORDS;
export const CONTROL_BYTES = 512;
/** Task indices live in 16 bits. */
export const MAX_TASKS = 0xffff;

