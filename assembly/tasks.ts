// The task loop every thread runs: claim task indices of the current job until none is left.
// The job (kind + argument slots) sits at ctrl + DESC; kinds and slots come from the op table
// (src/backend/op-table.ts, `wasmJobs`) through table.generated.ts.
import {
  AdamSlot, AvgPool2dGradSlot, AvgPool2dSlot, BinarySlot, CLAIM, Col2imSlot, CopySlot, CrossEntropyGradSlot, DESC, DONE, FillSlot, GemmSlot,
  HalfSlot, Im2colSlot, JOB, Kind, MaxPool2dGradSlot, MaxPool2dSlot, ScalarSlot, SECOND_DESC, SgdSlot, SoftmaxSlot, SPLIT, UnarySlot, VIEW,
} from './table.generated';
import { blockGemm } from './gemm';
import { binary, fill, scalar, unary } from './elementwise';
import { roundHalf } from './half';
import { adamStep, sgdStep } from './optim';
import { softmax } from './softmax';
import { crossEntropyGrad } from './crossEntropy';
import { copyStrided } from './strided';
import { avgPool2d, avgPool2dGrad, col2im, im2col, maxPool2d, maxPool2dGrad } from './windows';

@inline function i(d: usize, slot: i32): i32 { return load<i32>(d + (<usize>slot << 2)); }
@inline function u(d: usize, slot: i32): usize { return <usize>load<i32>(d + (<usize>slot << 2)); }
@inline function f(d: usize, slot: i32): f32 { return load<f32>(d + (<usize>slot << 2)); }
/** The address of a slot (a window job's walk starts at its N slot). */
@inline function at(d: usize, slot: i32): usize { return d + (<usize>slot << 2); }

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
  const tilesM = i(d, GemmSlot.tilesM), tilesN = i(d, GemmSlot.tilesN), MT = i(d, GemmSlot.MT), NT = i(d, GemmSlot.NT);
  const per = tilesM * tilesN, g = <usize>(t / per), r = t % per;
  const m0 = (r / tilesN) * MT, n0 = (r % tilesN) * NT;
  const bias = u(d, GemmSlot.bias);
  blockGemm(
    u(d, GemmSlot.a) + g * u(d, GemmSlot.aG), i(d, GemmSlot.ars), i(d, GemmSlot.acs),
    u(d, GemmSlot.b) + g * u(d, GemmSlot.bG), i(d, GemmSlot.brs), i(d, GemmSlot.bcs),
    u(d, GemmSlot.c) + g * u(d, GemmSlot.cG), i(d, GemmSlot.crs),
    bias ? bias + g * u(d, GemmSlot.biasG) : 0, i(d, GemmSlot.act), u(d, GemmSlot.zoff), i(d, GemmSlot.K),
    m0, min(m0 + MT, i(d, GemmSlot.M)), n0, min(n0 + NT, i(d, GemmSlot.N)), i(d, GemmSlot.KC), i(d, GemmSlot.MC), u(d, GemmSlot.patches), i(d, GemmSlot.patchesAreB) != 0,
    u(d, GemmSlot.scratch) + <usize>thread * u(d, GemmSlot.panel),
  );
}

/** Task t of a range job: elements (or softmax rows) [t*chunk, (t+1)*chunk); every range job has its units and chunk in the same slots. */
function rangeTask(kind: i32, d: usize, t: i32, view: usize): void {
  const chunk = i(d, FillSlot.chunk), s = t * chunk, e = min(s + chunk, i(d, FillSlot.units));
  switch (kind) {
    case Kind.fill: fill(u(d, FillSlot.out), f(d, FillSlot.value), s, e); break;
    case Kind.unary: unary(i(d, UnarySlot.op), u(d, UnarySlot.x), u(d, UnarySlot.out), s, e); break;
    case Kind.scalar: scalar(i(d, ScalarSlot.op), u(d, ScalarSlot.x), f(d, ScalarSlot.s), u(d, ScalarSlot.out), s, e); break;
    case Kind.binary: binary(i(d, BinarySlot.op), u(d, BinarySlot.a), u(d, BinarySlot.b), u(d, BinarySlot.out), view, s, e); break;
    case Kind.copy: copyStrided(u(d, CopySlot.src), u(d, CopySlot.dst), view, s, e); break;
    case Kind.sgd:
      sgdStep(
        u(d, SgdSlot.param), u(d, SgdSlot.grad), u(d, SgdSlot.momentumBuf), f(d, SgdSlot.lr), f(d, SgdSlot.momentum), f(d, SgdSlot.oneMinusDampening),
        i(d, SgdSlot.nesterov) != 0, f(d, SgdSlot.weightDecay), i(d, SgdSlot.firstStep) != 0, s, e,
      );
      break;
    case Kind.adam:
      adamStep(
        u(d, AdamSlot.param), u(d, AdamSlot.grad), u(d, AdamSlot.m), u(d, AdamSlot.v), f(d, AdamSlot.beta1), f(d, AdamSlot.oneMinusBeta1),
        f(d, AdamSlot.beta2), f(d, AdamSlot.oneMinusBeta2), f(d, AdamSlot.eps), f(d, AdamSlot.l2), f(d, AdamSlot.decay), f(d, AdamSlot.stepSize),
        f(d, AdamSlot.biasCorrection2Sqrt), s, e,
      );
      break;
    case Kind.half: roundHalf(u(d, HalfSlot.src), u(d, HalfSlot.dst), s, e); break;
    case Kind.softmax: softmax(u(d, SoftmaxSlot.x), u(d, SoftmaxSlot.out), i(d, SoftmaxSlot.cols), i(d, SoftmaxSlot.log) != 0, u(d, SoftmaxSlot.logOut), s, e); break;
    case Kind.crossEntropyGrad:
      crossEntropyGrad(
        u(d, CrossEntropyGradSlot.dy), f(d, CrossEntropyGradSlot.factor), u(d, CrossEntropyGradSlot.logProbs), u(d, CrossEntropyGradSlot.hot),
        u(d, CrossEntropyGradSlot.out), s, e,
      );
      break;
    case Kind.im2col: im2col(u(d, Im2colSlot.x), u(d, Im2colSlot.cols), at(d, Im2colSlot.N), s, e); break;
    case Kind.col2im: col2im(u(d, Col2imSlot.cols), u(d, Col2imSlot.dx), at(d, Col2imSlot.N), s, e); break;
    case Kind.maxPool2d: maxPool2d(u(d, MaxPool2dSlot.x), u(d, MaxPool2dSlot.out), u(d, MaxPool2dSlot.argmax), at(d, MaxPool2dSlot.N), s, e); break;
    case Kind.maxPool2dGrad:
      maxPool2dGrad(u(d, MaxPool2dGradSlot.dy), u(d, MaxPool2dGradSlot.argmax), u(d, MaxPool2dGradSlot.dx), at(d, MaxPool2dGradSlot.N), s, e);
      break;
    case Kind.avgPool2d: avgPool2d(u(d, AvgPool2dSlot.x), u(d, AvgPool2dSlot.out), at(d, AvgPool2dSlot.N), s, e); break;
    case Kind.avgPool2dGrad: avgPool2dGrad(u(d, AvgPool2dGradSlot.dy), u(d, AvgPool2dGradSlot.dx), at(d, AvgPool2dGradSlot.N), s, e); break;
  }
}

/**
 * Runs tasks of the current job until none is left; `thread` picks this thread's scratch. Tasks from SPLIT on
 * belong to the second descriptor (a job of two GEMMs side by side), numbered from 0 there.
 */
export function runTasks(ctrl: usize, thread: i32): void {
  const view = ctrl + VIEW;
  for (;;) {
    let t = claim(ctrl);
    if (t < 0) return;
    const split = atomic.load<i32>(ctrl + SPLIT), second = t >= split;
    const d = second ? ctrl + SECOND_DESC : ctrl + DESC;
    if (second) t -= split;
    const kind = i(d, 0);
    if (kind == Kind.gemm) gemmTask(d, t, thread);
    else rangeTask(kind, d, t, view);
    const n = atomic.load<i32>(ctrl + JOB) & 0xffff;
    if (atomic.add<i32>(ctrl + DONE, 1) + 1 == n) atomic.notify(ctrl + DONE);
  }
}
