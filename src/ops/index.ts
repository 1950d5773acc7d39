export { tensor, full, zeros, ones, zerosLike, onesLike, randn, rand, seed } from './create.ts';
export type { CreateOptions, RandomOptions } from './create.ts';
export { add, sub, mul, div, pow, maximum, minimum, greater, equal, neg, exp, log, sqrt, tanh, sigmoid, relu, abs } from './elementwise.ts';
export { sum, mean, max, sumTo } from './reduce.ts';
export { reshape, transpose, broadcastTo, slice, concat, rearrangeEstimators, repeat } from './shape.ts';
export { blockLinear, linear } from './blocklinear.ts';
export type { BlockLinearOptions } from './blocklinear.ts';
export { softmax, logSoftmax, gelu } from './softmax.ts';
export { crossEntropy, mse, oneHot } from './loss.ts';
