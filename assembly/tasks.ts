// The task loop every thread runs: claim task indices of the current job until none is left.
// The job (kind + argument slots) sits at ctrl + DESC; slot numbers match src/backend/wasm/control.ts.
import { CLAIM, DESC, DONE, JOB } from './control';
import { blockGemm } from './gemm';
import { binary, fill, scalar, unary } from './elementwise';
import { roundHalf } from './half';
import { adamStep, sgdStep } from './optim';
import { softmax } from './softmax';
import { copyStrided } from './strided';

const enum Kind { gemm, fill, unary, scalar, binary, copy, sgd, adam, softmax, half }

@inline function i(d: usize, slot: i32): i32 { return load<i32>(d + (<usize>slot << 2)); }
@inline function u(d: usize, slot: i32): usize { return <usize>load<i32>(d + (<usize>slot << 2)); }
@inline function f(d: usize, slot: i32): f32 { return load<f32>(d + (<usize>slot << 2)); }

/** Next unclaimed task of the current generation, or -1. */
function claim(ctrl: usize): i32 {
  let v = 0;
  do {
    v = atomic.load<i32>(ctrl + CLAIM);
    const j = atomic.load<i32>(ctrl + JOB);
    if ((v >>> 16) != (j >>> 16) || (v & 0xffff) >= (j & 0xffff)) return -1;
  } while (atomic.cmpxchg<i32>(ctrl + CLAIM, v, v + 1) != v);
  return v & 0xffff;
}

/** Task t of a GEMM job: block g, row tile, column tile. */
function gemmTask(d: usize, t: i32, thread: i32): void {
  const tilesM = i(d, 1), tilesN = i(d, 2), MT = i(d, 3), NT = i(d, 4);
  const per = tilesM * tilesN, g = <usize>(t / per), r = t % per;
  const m0 = (r / tilesN) * MT, n0 = (r % tilesN) * NT;
  const bias = u(d, 19);
  blockGemm(
    u(d, 8) + g * u(d, 9), i(d, 10), i(d, 11),
    u(d, 12) + g * u(d, 13), i(d, 14), i(d, 15),
    u(d, 16) + g * u(d, 17), i(d, 18),
    bias ? bias + g * u(d, 20) : 0, i(d, 21), u(d, 24), i(d, 7),
    m0, min(m0 + MT, i(d, 5)), n0, min(n0 + NT, i(d, 6)),
    u(d, 22) + <usize>thread * u(d, 23),
  );
}

/** Task t of an elementwise job: elements (or softmax rows) [t*chunk, (t+1)*chunk). */
function rangeTask(kind: i32, d: usize, t: i32, view: usize): void {
  const chunk = i(d, 2), s = t * chunk, e = min(s + chunk, i(d, 1));
  switch (kind) {
    case Kind.fill: fill(u(d, 3), f(d, 4), s, e); break;
    case Kind.unary: unary(i(d, 3), u(d, 4), u(d, 5), s, e); break;
    case Kind.scalar: scalar(i(d, 3), u(d, 4), f(d, 5), u(d, 6), s, e); break;
    case Kind.binary: binary(i(d, 3), u(d, 4), u(d, 5), u(d, 6), view, s, e); break;
    case Kind.copy: copyStrided(u(d, 3), u(d, 4), view, s, e); break;
    case Kind.sgd: sgdStep(u(d, 3), u(d, 4), u(d, 5), f(d, 6), f(d, 7), f(d, 8), i(d, 9) != 0, f(d, 10), i(d, 11) != 0, s, e); break;
    case Kind.adam: adamStep(u(d, 3), u(d, 4), u(d, 5), u(d, 6), f(d, 7), f(d, 8), f(d, 9), f(d, 10), f(d, 11), f(d, 12), f(d, 13), f(d, 14), f(d, 15), s, e); break;
    case Kind.half: roundHalf(u(d, 3), u(d, 4), s, e); break;
    default: softmax(u(d, 3), u(d, 4), i(d, 5), i(d, 6) != 0, s, e);
  }
}

/** Runs tasks of the current job until none is left; `thread` picks this thread's scratch. */
export function runTasks(ctrl: usize, thread: i32): void {
  const d = ctrl + DESC, view = d + 128;
  for (;;) {
    const t = claim(ctrl);
    if (t < 0) return;
    const kind = i(d, 0);
    if (kind == Kind.gemm) gemmTask(d, t, thread);
    else rangeTask(kind, d, t, view);
    const n = atomic.load<i32>(ctrl + JOB) & 0xffff;
    if (atomic.add<i32>(ctrl + DONE, 1) + 1 == n) atomic.notify(ctrl + DONE);
  }
}
