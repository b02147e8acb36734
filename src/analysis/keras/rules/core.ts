// Core layers: Dense, Embedding, and the layers that keep their input's shape.

import { formatShape, isKnown } from '../../../graph/shape.js';
import { LayerError, type LayerRule } from '../rule.js';
import { bool, int, sizeArgument } from './util.js';

const dense: LayerRule = {
  inputSpec: () => ({ minNdim: 2 }),
  compute(config, [input]) {
    const units = sizeArgument(config, 'units');
    const inputDim = input!.at(-1)!;
    if (inputDim === null) {
      throw new LayerError(
        `The last dimension of the inputs to a Dense layer should be defined. Found None. Full input shape received: ${formatShape(input!)}`,
      );
    }
    const params = isKnown(inputDim) && isKnown(units) ? inputDim * units + (bool(config, 'use_bias') ? units : 0) : null;
    return {
      outputs: [[...input!.slice(0, -1), units]],
      params,
      ...(isKnown(inputDim) ? { built: { minNdim: 2, axes: { [-1]: inputDim } } } : {}),
    };
  },
};

const embedding: LayerRule = {
  idBound: 'input_dim',
  compute(config, [input]) {
    const inputDim = int(config, 'input_dim');
    const outputDim = int(config, 'output_dim');
    return { outputs: [[...input!, outputDim]], params: inputDim * outputDim, dtype: 'float32' };
  },
};

/** A layer whose output has its input's shape and that has no weights. */
export function shapePreserving(ndim?: number): LayerRule {
  return {
    ...(ndim === undefined ? {} : { inputSpec: () => ({ ndim }) }),
    compute: (_config, [input]) => ({ outputs: [input!], params: 0 }),
  };
}

/** An InputLayer makes its tensor when it is constructed, unlike every other layer class. */
const inputLayer: LayerRule = {
  construct: (context, args, site) => context.keras.inputLayer(args, site),
  compute: (_config, [input]) => ({ outputs: [input!], params: 0 }),
};

export const coreRules: Record<string, LayerRule> = {
  InputLayer: inputLayer,
  Dense: dense,
  Embedding: embedding,
  Activation: shapePreserving(),
  // TensorFlow.js uses the name "Identity" for an initializer.
  Identity: { ...shapePreserving(), evaluation: () => ({ className: 'Activation', config: { activation: 'linear' } }) },
  Dropout: shapePreserving(),
  SpatialDropout1D: shapePreserving(3),
  SpatialDropout2D: shapePreserving(4),
  SpatialDropout3D: shapePreserving(5),
  GaussianNoise: shapePreserving(),
  GaussianDropout: shapePreserving(),
  AlphaDropout: shapePreserving(),
  ActivityRegularization: shapePreserving(),
  Rescaling: shapePreserving(),
};
