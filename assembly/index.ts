// The wasm module's exports: every kernel of the Backend table, the thread task loop and the peak probe.
export { blockGemm } from './gemm';
export { fill, unary, scalar, binary } from './elementwise';
export { copyStrided } from './strided';
export { reduce } from './reduce';
export { softmax } from './softmax';
export { oneHot } from './oneHot';
export { crossEntropyGrad } from './crossEntropy';
export { sgdStep, adamStep } from './optim';
export { roundHalf } from './half';
export { im2col, col2im, maxPool2d, maxPool2dGrad, avgPool2d, avgPool2dGrad } from './windows';
export { runTasks } from './tasks';
export { simdPeak } from './peak';

/** First byte the JS allocator may use: past the module's static data. */
export function heapBase(): usize {
  return __heap_base;
}
