// Normalization layers: BatchNormalization (gamma, beta and the two moving
// statistics per feature) and LayerNormalization (gamma, beta).

import { isKnown, type Shape } from '../../../graph/shape.js';
import { LayerError, type LayerConfig, type LayerRule } from '../rule.js';
import { bool, checkWeightShape, pythonRepr } from './util.js';

function axes(config: LayerConfig, input: Shape): number[] {
  const value = config['axis'];
  const list = Array.isArray(value) ? (value as number[]) : [value as number];
  return list.map((axis) => {
    const resolved = axis < 0 ? input.length + axis : axis;
    if (!Number.isInteger(resolved) || resolved < 0 || resolved >= input.length) {
      throw new LayerError(`Invalid axis: ${pythonRepr(value)}. Expected -${input.length} <= axis < ${input.length}`);
    }
    return resolved;
  });
}

/** Size of the normalized axes, or null when one is not known. */
function featureSize(config: LayerConfig, input: Shape): number | null {
  let size = 1;
  for (const axis of axes(config, input)) {
    const dim = input[axis]!;
    if (!isKnown(dim)) return null;
    size *= dim;
  }
  return size;
}

/** The weights a layer's `build` makes first, in its order, each when its condition holds. */
type FirstWeights = readonly (readonly [string, (config: LayerConfig) => boolean])[];

const batchNormalizationWeights: FirstWeights = [
  ['gamma', (config) => bool(config, 'scale')],
  ['beta', (config) => bool(config, 'center')],
  ['moving_mean', () => true],
];

const layerNormalizationWeights: FirstWeights = [
  ['gamma', (config) => bool(config, 'scale') || config['rms_scaling'] === true],
  ['beta', (config) => bool(config, 'center') && config['rms_scaling'] !== true],
];

/**
 * Keras's `build` shapes the weights `input_shape[axis]` (LayerNormalization: one size per axis of the sorted list),
 * and `add_weight` refuses a None there, naming the first weight made.
 */
function checkAxesDefined(config: LayerConfig, input: Shape, weights: FirstWeights, sortAxes: boolean): void {
  const first = weights.find(([, made]) => made(config));
  if (!first) return;
  const value = config['axis'];
  const list = Array.isArray(value) ? [...(value as number[])] : [value as number];
  if (sortAxes) list.sort((a, b) => a - b);
  checkWeightShape(
    config,
    first[0],
    list.map((axis) => input.at(axis) ?? null),
  );
}

const batchNormalization: LayerRule = {
  training: () => "it normalizes with the batch's own mean and variance, not the moving ones",
  compute(config, [input]) {
    const size = featureSize(config, input!);
    checkAxesDefined(config, input!, batchNormalizationWeights, false);
    // gamma, beta, moving_mean, moving_variance, and with renorm moving_stddev, renorm_mean, renorm_stddev.
    const perFeature = (bool(config, 'scale') ? 1 : 0) + (bool(config, 'center') ? 1 : 0) + 2 + (bool(config, 'renorm') ? 3 : 0);
    const axis = axes(config, input!)[0]!;
    // The moving statistics (and renorm's) are non-trainable.
    const frozenPerFeature = 2 + (bool(config, 'renorm') ? 3 : 0);
    return {
      outputs: [input!],
      params: size === null ? null : size * perFeature,
      nonTrainableParams: size === null ? null : size * frozenPerFeature,
      ...(size === null ? {} : { built: { ndim: input!.length, axes: { [axis]: size } } }),
    };
  },
};

const layerNormalization: LayerRule = {
  compute(config, [input]) {
    const size = featureSize(config, input!);
    checkAxesDefined(config, input!, layerNormalizationWeights, true);
    // The deprecated rms_scaling (a kwargs keyword) keeps gamma and drops beta.
    const rms = config['rms_scaling'] === true;
    const perFeature = (bool(config, 'scale') || rms ? 1 : 0) + (bool(config, 'center') && !rms ? 1 : 0);
    return { outputs: [input!], params: size === null ? null : size * perFeature };
  },
};

export const normalizationRules: Record<string, LayerRule> = {
  BatchNormalization: batchNormalization,
  LayerNormalization: layerNormalization,
};
