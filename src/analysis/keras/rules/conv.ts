// Convolutions: regular, transposed, depthwise and separable, in 1, 2 and 3
// dimensions, channels last or first (keras/src/ops/operation_utils.py formulas).

import { formatShape, isKnown, type Dim, type Shape } from '../../../graph/shape.js';
import { LayerError, type LayerConfig, type LayerRule } from '../rule.js';
import { withLora } from './lora.js';
import {
  bool,
  channelsLast,
  convLength,
  deconvLength,
  int,
  intTuple,
  isRunTimeSize,
  numpyArray,
  optionalFormula,
  sizeArgument,
  sizeArithmetic,
  standardizePadding,
  str,
} from './util.js';

type Kind = 'conv' | 'transpose' | 'depthwise' | 'separable';

interface Geometry {
  readonly channelAxis: number;
  readonly channels: Dim;
  readonly spatial: Dim[];
}

function geometry(config: LayerConfig, input: Shape): Geometry {
  const last = channelsLast(config);
  const channelAxis = last ? input.length - 1 : 1;
  const spatial = last ? input.slice(1, -1) : input.slice(2);
  return { channelAxis, channels: input[channelAxis]!, spatial: [...spatial] };
}

function assemble(config: LayerConfig, batch: Dim, spatial: Dim[], channels: Dim): Dim[] {
  return channelsLast(config) ? [batch, ...spatial, channels] : [batch, channels, ...spatial];
}

function product(values: number[]): number {
  return values.reduce((a, b) => a * b, 1);
}

/** The sizes each kind's constructor requires to be strictly positive, in its order. */
const positiveArguments: Readonly<Record<Kind, readonly string[]>> = {
  conv: ['filters'],
  transpose: ['filters'],
  depthwise: ['depth_multiplier'],
  separable: ['depth_multiplier', 'filters'],
};

/**
 * The constructor's checks after its tuples, in Keras's order (keras/src/layers/convolutional/base_*.py): the padding
 * (`causal` only for Conv1D), the positive sizes, and for a regular convolution the groups.
 */
function checkArguments(config: LayerConfig, rank: number, kind: Kind): void {
  if (typeof config['padding'] === 'string') standardizePadding(config['padding'], rank === 1 && kind === 'conv');
  for (const key of positiveArguments[kind]) {
    const value = config[key];
    if (typeof value === 'number' && value <= 0) {
      throw new LayerError(`Invalid value for argument \`${key}\`. Expected a strictly positive value. Received ${key}=${value}.`, key);
    }
  }
  if (kind === 'conv') checkGroups(config);
}

function checkGroups(config: LayerConfig): void {
  const { filters, groups } = config;
  if (typeof groups !== 'number') return;
  if (groups <= 0) throw new LayerError(`The number of groups must be a positive integer. Received: groups=${groups}.`, 'groups');
  if (typeof filters === 'number' && filters % groups !== 0) {
    throw new LayerError(
      `The number of filters must be evenly divisible by the number of groups. Received: groups=${groups}, filters=${filters}.`,
      'groups',
    );
  }
}

function convolution(rank: number, kind: Kind): LayerRule {
  const tupleKeys = ['kernel_size', 'strides', 'dilation_rate'];
  return {
    activatesLast: true,
    inputSpec: () => ({ minNdim: rank + 2 }),
    normalize(config) {
      const out: Record<string, LayerConfig[string]> = { ...config };
      for (const key of tupleKeys) if (key in config) out[key] = intTuple(config, key, rank);
      if (kind === 'transpose' && config['output_padding'] !== null && config['output_padding'] !== undefined) {
        out['output_padding'] = intTuple(config, 'output_padding', rank);
      }
      if (typeof config['padding'] === 'string') out['padding'] = config['padding'].toLowerCase();
      checkArguments(config, rank, kind);
      return out;
    },
    compute(config, [input]) {
      const kernel = intTuple(config, 'kernel_size', rank);
      const strides = intTuple(config, 'strides', rank);
      const dilation = intTuple(config, 'dilation_rate', rank);
      const padding = str(config, 'padding');
      checkArguments(config, rank, kind);
      const { channelAxis, channels, spatial } = geometry(config, input!);
      if (channels === null) {
        throw new LayerError(
          `The channel dimension of the inputs should be defined. The input_shape received is ${formatShape(input!)}, where axis ${channelAxis} (0-based) is the channel dimension, which found to be \`None\`.`,
        );
      }
      const bias = bool(config, 'use_bias');
      const inChannels = isKnown(channels) ? channels : null;
      let outChannels: Dim;
      let outSpatial: Dim[];
      let params: number | null;
      let nonTrainableParams: number | null = 0;
      let restoredBySetter: number | null = 0;
      let formula: { paramsFormula?: string } = {};
      if (kind === 'transpose') {
        const filters = int(config, 'filters');
        const outputPadding =
          config['output_padding'] === null || config['output_padding'] === undefined ? null : intTuple(config, 'output_padding', rank);
        outSpatial = spatial.map((n, i) =>
          deconvLength(n, kernel[i]!, strides[i]!, padding, outputPadding ? outputPadding[i]! : null, dilation[i]!),
        );
        outChannels = filters;
        params = inChannels === null ? null : product(kernel) * filters * inChannels + (bias ? filters : 0);
      } else {
        const windowPadding = padding === 'causal' ? 'same' : padding;
        outSpatial = spatial.map((n, i) => convLength(n, kernel[i]!, strides[i]!, windowPadding, dilation[i]!));
        if (kind === 'conv') {
          const filters = sizeArgument(config, 'filters');
          const groups = int(config, 'groups');
          if (inChannels !== null && inChannels % groups !== 0) {
            throw new LayerError(
              `The number of input channels must be evenly divisible by the number of groups. Received groups=${groups}, but the input has ${inChannels} channels (full input shape is ${formatShape(input!)}).`,
            );
          }
          outChannels = filters;
          const weights =
            inChannels === null || !isKnown(filters)
              ? {
                  params: null,
                  nonTrainableParams: null,
                  restoredBySetter: null,
                }
              : withLora(product(kernel) * (inChannels / groups) * filters + (bias ? filters : 0), config, [
                  ...kernel,
                  inChannels / groups,
                  filters,
                ]);
          params = weights.params;
          nonTrainableParams = weights.nonTrainableParams;
          restoredBySetter = weights.restoredBySetter;
          if (params === null && (inChannels !== null || groups === 1)) {
            formula = optionalFormula(
              [[...kernel, inChannels === null ? channels : inChannels / groups, filters], ...(bias ? [[filters]] : [])],
              config,
            );
          }
        } else {
          const multiplier = int(config, 'depth_multiplier');
          const depthwise = inChannels === null ? null : product(kernel) * inChannels * multiplier;
          if (kind === 'depthwise') {
            outChannels =
              inChannels !== null ? inChannels * multiplier : isRunTimeSize(channels) ? sizeArithmetic(channels, '*', multiplier) : null;
            params = depthwise === null ? null : depthwise + (bias ? inChannels! * multiplier : 0);
            if (params === null) formula = optionalFormula([[...kernel, channels, multiplier], ...(bias ? [[channels, multiplier]] : [])]);
          } else {
            const filters = int(config, 'filters');
            outChannels = filters;
            params = depthwise === null ? null : depthwise + inChannels! * multiplier * filters + (bias ? filters : 0);
          }
        }
      }
      for (const length of outSpatial) {
        if (isKnown(length) && length <= 0) {
          throw new LayerError(
            `Computed output size would be zero or negative. Received \`inputs shape=${formatShape(input!)}\`, \`kernel shape=${formatShape([...kernel, inChannels, outChannels])}\`, \`dilation_rate=${numpyArray(dilation)}\`, \`strides=${formatShape(strides)}\`, \`padding=${padding}\`.`,
          );
        }
      }
      return {
        outputs: [assemble(config, input![0]!, outSpatial, outChannels)],
        params,
        ...formula,
        nonTrainableParams,
        restoredBySetter,
        ...(inChannels === null ? {} : { built: { minNdim: rank + 2, axes: { [channelAxis]: inChannels } } }),
      };
    },
  };
}

export const convRules: Record<string, LayerRule> = {
  Conv1D: convolution(1, 'conv'),
  Conv2D: convolution(2, 'conv'),
  Conv3D: convolution(3, 'conv'),
  Conv1DTranspose: convolution(1, 'transpose'),
  Conv2DTranspose: convolution(2, 'transpose'),
  Conv3DTranspose: convolution(3, 'transpose'),
  DepthwiseConv1D: convolution(1, 'depthwise'),
  DepthwiseConv2D: convolution(2, 'depthwise'),
  SeparableConv1D: convolution(1, 'separable'),
  SeparableConv2D: convolution(2, 'separable'),
};
