// A window walk as the kernels read it: the op table's WindowWalk words of a PatchShape or PoolShape.
import type { PatchShape, PoolShape } from './backend.ts';
import type { WindowWalk } from './op-table.ts';

/** The walk's words (the flags 0/1; a PatchShape has neither). */
export function windowWalk(s: PatchShape | PoolShape): WindowWalk {
  const pool = 'adaptive' in s ? s : { adaptive: false, countIncludePad: false };
  return {
    N: s.N, C: s.C, H: s.H, W: s.W, KH: s.KH, KW: s.KW, OH: s.OH, OW: s.OW, strideH: s.strideH, strideW: s.strideW,
    padH: s.padH, padW: s.padW, dilationH: s.dilationH, dilationW: s.dilationW,
    adaptive: pool.adaptive ? 1 : 0, countIncludePad: pool.countIncludePad ? 1 : 0,
  };
}
