// Op codes passed to the wasm kernels: the index in these lists (same order as assembly/codes.ts).
import type { BinaryOp, ReduceOp, UnaryOp } from '../backend.ts';

const unaryOps: UnaryOp[] = ['neg', 'exp', 'log', 'tanh', 'sigmoid', 'relu', 'sqrt', 'abs'];
const binaryOps: BinaryOp[] = ['add', 'sub', 'mul', 'div', 'max', 'min', 'pow', 'gt', 'eq', 'mask'];
const reduceOps: ReduceOp[] = ['sum', 'max'];

export const unaryCode = (op: UnaryOp): number => unaryOps.indexOf(op);
export const binaryCode = (op: BinaryOp): number => binaryOps.indexOf(op);
export const reduceCode = (op: ReduceOp): number => reduceOps.indexOf(op);
