// Byte offsets in the control area shared with src/backend/wasm/control.ts (same values).
// CLAIM and JOB carry the generation in their high 16 bits, so a late thread never claims a stale task.
export const CLAIM: usize = 8;
export const JOB: usize = 12;
export const DONE: usize = 16;
/** The task descriptor: i32/f32 slots, 4 bytes each. */
export const DESC: usize = 64;
