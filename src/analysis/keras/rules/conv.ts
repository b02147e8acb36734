// Convolutions: regular, transposed, depthwise and separable, in 1, 2 and 3
// dimensions, channels last or first (keras/src/ops/operation_utils.py formulas).

import type { LayerEvaluation } from '../../../graph/ir.js';
import { formatShape, isKnown, type Dim, type Shape } from '../../../graph/shape.js';
import { LayerError, type LayerConfig, type LayerRule } from '../rule.js';
import { bool, channelsLast, convLength, deconvLength, int, intTuple, pythonRepr, str } from './util.js';

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

function convolution(rank: number, kind: Kind): LayerRule {
  const tupleKeys = ['kernel_size', 'strides', 'dilation_rate'];
  return {
    inputSpec: () => ({ minNdim: rank + 2 }),
    normalize(config) {
      const out: Record<string, LayerConfig[string]> = { ...config };
      for (const key of tupleKeys) if (key in config) out[key] = intTuple(config, key, rank);
      if (kind === 'transpose' && config['output_padding'] !== null && config['output_padding'] !== undefined) {
        out['output_padding'] = intTuple(config, 'output_padding', rank);
      }
      if (typeof config['padding'] === 'string') out['padding'] = config['padding'].toLowerCase();
      return out;
    },
    evaluation: (config) => engineLimit(rank, kind, config),
    compute(config, [input]) {
      const kernel = intTuple(config, 'kernel_size', rank);
      const strides = intTuple(config, 'strides', rank);
      const dilation = intTuple(config, 'dilation_rate', rank);
      const padding = str(config, 'padding');
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
          const filters = int(config, 'filters');
          const groups = int(config, 'groups');
          if (inChannels !== null && inChannels % groups !== 0) {
            throw new LayerError(
              `The number of input channels must be evenly divisible by the number of groups. Received groups=${groups}, but the input has ${inChannels} channels (full input shape is ${formatShape(input!)}).`,
            );
          }
          outChannels = filters;
          params = inChannels === null ? null : product(kernel) * (inChannels / groups) * filters + (bias ? filters : 0);
        } else {
          const multiplier = int(config, 'depth_multiplier');
          const depthwise = inChannels === null ? null : product(kernel) * inChannels * multiplier;
          if (kind === 'depthwise') {
            outChannels = inChannels === null ? null : inChannels * multiplier;
            params = depthwise === null ? null : depthwise + (bias ? inChannels! * multiplier : 0);
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
            `Computed output size would be zero or negative. Received \`inputs shape=${formatShape(input!)}\`, \`kernel shape=${formatShape([...kernel, inChannels, outChannels])}\`, \`dilation_rate=${formatShape(dilation)}\`, \`strides=${formatShape(strides)}\`, \`padding=${padding}\`.`,
          );
        }
      }
      return {
        outputs: [assemble(config, input![0]!, outSpatial, outChannels)],
        params,
        ...(inChannels === null ? {} : { built: { minNdim: rank + 2, axes: { [channelAxis]: inChannels } } }),
      };
    },
  };
}

/**
 * What TensorFlow.js 4.22 cannot evaluate as Keras does, measured against Keras's outputs
 * (test/conformance/layer-cases.test.ts): refused rather than shown wrong.
 */
function engineLimit(rank: number, kind: Kind, config: LayerConfig): LayerEvaluation | undefined {
  const groups = config['groups'];
  if (kind === 'conv' && typeof groups === 'number' && groups > 1) {
    return { refused: `with groups=${groups} cannot be evaluated yet (TensorFlow.js has no grouped convolution)` };
  }
  const dilation = config['dilation_rate'];
  const dilated = Array.isArray(dilation) ? dilation.some((d) => d !== 1) : typeof dilation === 'number' && dilation !== 1;
  if (dilated && rank >= 2 && (kind === 'transpose' || kind === 'depthwise')) {
    return { refused: `with dilation_rate=${pythonRepr(dilation ?? null)} cannot be evaluated yet (TensorFlow.js ignores it here)` };
  }
  if (kind === 'transpose' && rank === 3) {
    return { refused: 'cannot be evaluated yet (the wasm backend of TensorFlow.js computes it wrongly)' };
  }
  if (kind === 'conv' && rank === 1 && !channelsLast(config)) {
    return { refused: 'with data_format="channels_first" cannot be evaluated yet (TensorFlow.js computes it in the other layout)' };
  }
  return undefined;
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
