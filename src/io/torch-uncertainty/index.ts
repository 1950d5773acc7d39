// TorchUncertainty checkpoints in and out: every release's layout read, any release's written, and the MLP built from a file.
export * from './checkpoint.ts';
export * from './mlp.ts';
export { parseRelease, type TorchUncertaintyLayout, type TorchUncertaintyRelease } from './releases.ts';
export { keyPrefix, withoutConv1x1, withConv1x1, lastLayerPrefix } from './keys.ts';
