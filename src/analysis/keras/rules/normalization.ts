// Normalization layers: BatchNormalization (gamma, beta and the two moving
// statistics per feature) and LayerNormalization (gamma, beta).

import { isKnown, type Shape } from '../../../graph/shape.js';
import { LayerError, type LayerConfig, type LayerRule } from '../rule.js';
import { bool, pythonRepr } from './util.js';

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

const batchNormalization: LayerRule = {
  compute(config, [input]) {
    const size = featureSize(config, input!);
    const perFeature = (bool(config, 'scale') ? 1 : 0) + (bool(config, 'center') ? 1 : 0) + 2;
    const axis = axes(config, input!)[0]!;
    return {
      outputs: [input!],
      params: size === null ? null : size * perFeature,
      ...(size === null ? {} : { built: { ndim: input!.length, axes: { [axis]: size } } }),
    };
  },
};

const layerNormalization: LayerRule = {
  compute(config, [input]) {
    const size = featureSize(config, input!);
    const perFeature = (bool(config, 'scale') ? 1 : 0) + (bool(config, 'center') ? 1 : 0);
    return { outputs: [input!], params: size === null ? null : size * perFeature };
  },
};

export const normalizationRules: Record<string, LayerRule> = {
  BatchNormalization: batchNormalization,
  LayerNormalization: layerNormalization,
};
