export { Optimizer, type OptimizerState } from './optimizer.ts';
export { SGD, type SGDOptions } from './sgd.ts';
export { Adam, AdamW, type AdamOptions } from './adam.ts';
export { StepLR, CosineAnnealingLR } from './schedule.ts';
export { clipGradNorm } from './clip.ts';
export { GradScaler, type GradScalerOptions, type GradScalerState } from './grad-scaler.ts';
