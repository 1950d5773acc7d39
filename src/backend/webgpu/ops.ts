// Op codes passed to the elementwise and reduce shaders as the pipeline constant OP;
// they must match the OP cases in shaders/elementwise.wgsl and shaders/reduce.wgsl.
import type { BinaryOp, ReduceOp, UnaryOp } from '../backend.ts';

export const unaryCodes: Record<UnaryOp, number> = { neg: 0, exp: 1, log: 2, tanh: 3, sigmoid: 4, relu: 5, sqrt: 6, abs: 7 };

export const binaryCodes: Record<BinaryOp, number> = { add: 0, sub: 1, mul: 2, div: 3, max: 4, min: 5, pow: 6, gt: 7, eq: 8, mask: 9 };

export const reduceCodes: Record<ReduceOp, number> = { sum: 0, max: 1 };
