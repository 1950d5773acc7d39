// Op codes: the index of each op in the TypeScript tables of src/backend/wasm/codes.ts (same order).
export const enum Unary { neg, exp, log, tanh, sigmoid, relu, sqrt, abs }
export const enum Binary { add, sub, mul, div, max, min, pow, gt, eq, mask }
export const enum Reduce { sum, max }
