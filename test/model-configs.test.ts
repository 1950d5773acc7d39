// A served model's config is checked field by field: the error names every field that is missing or breaks its rule,
// for the three architectures, and a good config comes back with only its known fields.
import { describe, expect, it } from 'vitest';
import { checkConfig } from '../src/nn/packed-config.ts';
import { checkLeNetConfig, checkResNetConfig } from '../src/nn/packed-conv-config.ts';

type Loose = never;

describe('model configs', () => {
  it('PackedMLP: names each missing field and each bad one, with its rule', () => {
    expect(() => checkConfig({ inFeatures: 64, hiddenFeatures: [64], numClasses: 10, numEstimators: 4 } as Loose)).toThrow(
      /^PackedMLP config: alpha is missing \(a positive number\); gamma is missing \(a positive integer\)$/,
    );
    expect(() => checkConfig({ inFeatures: 1.5, hiddenFeatures: [64, 0], numClasses: 10, numEstimators: 4, alpha: Infinity, gamma: 1, activation: 'tanh' } as Loose)).toThrow(
      /^PackedMLP config: inFeatures must be a positive integer, got 1\.5; hiddenFeatures must be an array of positive integers, got \[64,0\]; alpha must be a positive number, got null; activation must be 'relu' or 'gelu' or 'gelu_tanh' if given, got "tanh"$/,
    );
    expect(() => checkConfig(null as Loose)).toThrow(/^PackedMLP config must be an object, got null$/);
    expect(checkConfig({ inFeatures: 4, hiddenFeatures: [8], numClasses: 3, numEstimators: 2, alpha: 2, gamma: 1, extra: 1 } as Loose)).toEqual(
      { inFeatures: 4, hiddenFeatures: [8], numClasses: 3, numEstimators: 2, alpha: 2, gamma: 1 },
    );
  });

  it('PackedLeNet and PackedResNet: the same, with their own fields', () => {
    const leNet = { inChannels: 1, numClasses: 10, numEstimators: 4, alpha: 2, gamma: 1, norm: 'identity', dropoutRate: 0 };
    expect(checkLeNetConfig(leNet as Loose)).toEqual(leNet);
    expect(() => checkLeNetConfig({ ...leNet, norm: 'layer', dropoutRate: 1 } as Loose)).toThrow(
      /^PackedLeNet config: norm must be 'identity' or 'batchnorm', got "layer"; dropoutRate must be a number in \[0, 1\), got 1$/,
    );
    const resNet = { arch: 18, inChannels: 3, numClasses: 10, numEstimators: 4, alpha: 2, gamma: 1, groups: 1, style: 'cifar', widthMultiplier: 1, convBias: false, dropoutRate: 0 };
    expect(checkResNetConfig(resNet as Loose)).toEqual(resNet);
    expect(() => checkResNetConfig({ ...resNet, convBias: 'no', groups: undefined } as Loose)).toThrow(
      /^PackedResNet config: groups is missing \(a positive integer\); convBias must be true or false, got "no"$/,
    );
  });
});
