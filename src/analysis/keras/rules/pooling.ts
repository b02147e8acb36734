// Pooling: max and average windows in 1, 2 and 3 dimensions, and their global
// forms, channels last or first.

import { formatShape, isKnown, type Shape } from '../../../graph/shape.js';
import { LayerError, type LayerConfig, type LayerRule } from '../rule.js';
import { bool, channelsLast, convLength, intTuple, str } from './util.js';

/** The pooling constructors keep any padding: Keras's `compute_pooling_output_shape` refuses one at the call. */
function poolingPadding(config: LayerConfig): string {
  const padding = str(config, 'padding');
  if (padding !== 'valid' && padding !== 'same') {
    throw new LayerError(`Argument \`padding\` must be either 'valid' or 'same'. Received: padding=${padding}`);
  }
  return padding;
}

function pooling(rank: number): LayerRule {
  return {
    inputSpec: () => ({ ndim: rank + 2 }),
    normalize(config) {
      const pool = intTuple(config, 'pool_size', rank);
      const strides = config['strides'] === null || config['strides'] === undefined ? pool : intTuple(config, 'strides', rank);
      return {
        ...config,
        pool_size: pool,
        strides,
        padding: typeof config['padding'] === 'string' ? config['padding'].toLowerCase() : config['padding']!,
      };
    },
    compute(config, [input]) {
      const pool = intTuple(config, 'pool_size', rank);
      const strides = intTuple(config, 'strides', rank);
      const padding = poolingPadding(config);
      const last = channelsLast(config);
      const spatial = last ? input!.slice(1, -1) : input!.slice(2);
      const out = spatial.map((n, i) => convLength(n, pool[i]!, strides[i]!, padding));
      if (out.some((n) => isKnown(n) && n <= 0)) {
        throw new LayerError(
          `Computed output size would be zero or negative. Received: \`inputs.shape=${formatShape(input!)}\`, \`pool_size=${formatShape(pool)}\`, \`strides=${formatShape(strides)}\`, \`padding=${padding}\`.`,
        );
      }
      const channels = last ? input!.at(-1)! : input![1]!;
      return { outputs: [last ? [input![0]!, ...out, channels] : [input![0]!, channels, ...out]], params: 0 };
    },
  };
}

function globalPooling(rank: number): LayerRule {
  return {
    inputSpec: () => ({ ndim: rank + 2 }),
    compute(config: LayerConfig, [input]: Shape[]) {
      const last = channelsLast(config);
      const channels = last ? input!.at(-1)! : input![1]!;
      if (!bool(config, 'keepdims')) return { outputs: [[input![0]!, channels]], params: 0 };
      const ones = Array<number>(rank).fill(1);
      return { outputs: [last ? [input![0]!, ...ones, channels] : [input![0]!, channels, ...ones]], params: 0 };
    },
  };
}

export const poolingRules: Record<string, LayerRule> = {
  MaxPooling1D: pooling(1),
  MaxPooling2D: pooling(2),
  MaxPooling3D: pooling(3),
  AveragePooling1D: pooling(1),
  AveragePooling2D: pooling(2),
  AveragePooling3D: pooling(3),
  GlobalAveragePooling1D: globalPooling(1),
  GlobalAveragePooling2D: globalPooling(2),
  GlobalAveragePooling3D: globalPooling(3),
  GlobalMaxPooling1D: globalPooling(1),
  GlobalMaxPooling2D: globalPooling(2),
  GlobalMaxPooling3D: globalPooling(3),
};
