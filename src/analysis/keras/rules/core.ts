// Core layers: Dense, Embedding, and the layers that keep their input's shape.

import { formatShape, isKnown } from '../../../graph/shape.js';
import { LayerError, type LayerRule } from '../rule.js';
import { withLora } from './lora.js';
import { bool, computeDtype, optionalFormula, sizeArgument } from './util.js';

const dense: LayerRule = {
  activatesLast: true,
  inputSpec: () => ({ minNdim: 2 }),
  compute(config, [input]) {
    const units = sizeArgument(config, 'units');
    const inputDim = input!.at(-1)!;
    if (inputDim === null) {
      throw new LayerError(
        `The last dimension of the inputs to a Dense layer should be defined. Found None. Full input shape received: ${formatShape(input!)}`,
      );
    }
    const bias = bool(config, 'use_bias');
    const weights =
      isKnown(inputDim) && isKnown(units)
        ? withLora(inputDim * units + (bias ? units : 0), config, [inputDim, units])
        : { params: null, ...optionalFormula([[inputDim, units], ...(bias ? [[units]] : [])], config) };
    return {
      outputs: [[...input!.slice(0, -1), units]],
      ...weights,
      ...(isKnown(inputDim) ? { built: { minNdim: 2, axes: { [-1]: inputDim } } } : {}),
    };
  },
};

const embedding: LayerRule = {
  idBound: 'input_dim',
  compute(config, [input]) {
    const inputDim = sizeArgument(config, 'input_dim');
    const outputDim = sizeArgument(config, 'output_dim');
    const weights =
      isKnown(inputDim) && isKnown(outputDim)
        ? withLora(inputDim * outputDim, config, [inputDim, outputDim])
        : { params: null, ...optionalFormula([[inputDim, outputDim]], config) };
    // The layer's compute dtype, whatever the ids' dtype.
    return { outputs: [[...input!, outputDim]], ...weights, dtype: computeDtype(config) };
  },
};

/** A layer whose output has its input's shape and that has no weights. */
export function shapePreserving(ndim?: number): LayerRule {
  return {
    ...(ndim === undefined ? {} : { inputSpec: () => ({ ndim }) }),
    compute: (_config, [input]) => ({ outputs: [input!], params: 0 }),
  };
}

/** A layer that is random in training (and the identity at inference). */
function random(rule: LayerRule, how: string): LayerRule {
  return { ...rule, training: () => how };
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
  Activation: { ...shapePreserving(), activatesLast: true },
  // TensorFlow.js uses the name "Identity" for an initializer.
  Identity: { ...shapePreserving(), evaluation: () => ({ className: 'Activation', config: { activation: 'linear' } }) },
  Dropout: random(shapePreserving(), 'it drops values at random'),
  SpatialDropout1D: random(shapePreserving(3), 'it drops channels at random'),
  SpatialDropout2D: random(shapePreserving(4), 'it drops channels at random'),
  SpatialDropout3D: random(shapePreserving(5), 'it drops channels at random'),
  GaussianNoise: random(shapePreserving(), 'it adds random noise'),
  GaussianDropout: random(shapePreserving(), 'it multiplies by random noise'),
  AlphaDropout: random(shapePreserving(), 'it drops values at random'),
  ActivityRegularization: shapePreserving(),
  Rescaling: shapePreserving(),
};
