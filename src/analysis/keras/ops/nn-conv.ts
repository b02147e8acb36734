// keras.ops of the nn family that slide a window: conv, depthwise_conv, separable_conv, conv_transpose, max_pool,
// average_pool and the adaptive pools, as their compute_output_spec gives them (keras/src/ops/nn.py, with
// compute_conv_output_shape, compute_pooling_output_shape and compute_conv_transpose_output_shape of
// keras/src/ops/operation_utils.py and keras/src/backend/common/backend_utils.py). The dtype is the input's.

import type { JsonValue } from '../../../graph/ir.js';
import { formatDim, formatShape, isKnown, type Dim, type Shape } from '../../../graph/shape.js';
import { LayerError } from '../rule.js';
import { convLength, deconvLength, numpyArray, pythonRepr } from '../rules/util.js';
import { argument, OpNotKnown, type OpCall, type OpOutput, type OpRule } from './op-rule.js';
import { lowered, pyIndex, pythonType, shapeOfArgument, standardizeDataFormat, symbolicOperand } from './nn-util.js';

type DataFormat = 'channels_last' | 'channels_first';

function spatialOf(shape: Shape, format: DataFormat): Shape {
  return format === 'channels_last' ? shape.slice(1, -1) : shape.slice(2);
}

function channelsOf(shape: Shape, format: DataFormat): Dim {
  return format === 'channels_last' ? pyIndex(shape, -1) : pyIndex(shape, 1);
}

/**
 * An int or a tuple of ints, as NumPy broadcasts it against `n` spatial sizes: a 1-tuple stands for all of them. A
 * tuple of another length (which NumPy refuses, or broadcasts into more spatial axes) is not analysed.
 */
function perAxis(value: JsonValue, n: number, what: string): number[] {
  const list =
    typeof value === 'number'
      ? Array<JsonValue>(n).fill(value)
      : Array.isArray(value) && value.length === 1
        ? Array<JsonValue>(n).fill(value[0]!)
        : value;
  if (!Array.isArray(list) || list.length !== n || !list.every((v) => typeof v === 'number' && Number.isInteger(v) && v > 0)) {
    throw new OpNotKnown(`\`${what}\`=${pythonRepr(value)} for ${n} spatial axes is not analysed`);
  }
  return list as number[];
}

/** Keras's `check_conv_input_channels` (`kernelAxis` -2) and `check_conv_transpose_input_channels` (-1). */
function checkInputChannels(inputs: Shape, kernel: Shape, format: DataFormat, kernelAxis: number): void {
  const channels = channelsOf(inputs, format);
  const kernelChannels = pyIndex(kernel, kernelAxis);
  if (isKnown(channels) && isKnown(kernelChannels) && channels !== kernelChannels) {
    throw new LayerError(
      `The number of input channels must match the kernel's input channels. Received: input channels=${channels}, kernel input channels=${kernelChannels}, data_format='${format}'.`,
    );
  }
}

/** Python's `a * b` of two sizes, a TypeError with a None. */
function product(a: Dim, b: Dim): Dim {
  if (a === null || b === null)
    throw new LayerError(
      `unsupported operand type(s) for *: '${a === null ? 'NoneType' : 'int'}' and '${b === null ? 'NoneType' : 'int'}'`,
    );
  return isKnown(a) && isKnown(b) ? a * b : null;
}

function dilationRates(call: OpCall, n: number, input: Shape): number[] {
  const value = argument(call, 'dilation_rate');
  if (typeof value === 'number') return perAxis(value, n, 'dilation_rate');
  if (Array.isArray(value) && value.length !== n) {
    throw new LayerError(
      `Dilation must be None, scalar or tuple/list of length of inputs' spatial shape, but received \`dilation_rate=${pythonRepr(value)}\` and input of shape ${formatShape(input)}.`,
    );
  }
  return perAxis(value, n, 'dilation_rate');
}

/** Keras's `compute_conv_output_shape`, for `filters` output channels and a kernel of `kernelSize` spatial sizes. */
function convOutputShape(call: OpCall, input: Shape, filters: Dim, kernelSize: Shape, format: DataFormat): Shape {
  const spatial = spatialOf(input, format);
  const kernelShape = [...kernelSize, channelsOf(input, format), filters];
  if (kernelShape.length !== input.length) {
    throw new LayerError(
      `Kernel shape must have the same length as input, but received kernel of shape ${formatShape(kernelShape)} and input of shape ${formatShape(input)}.`,
    );
  }
  const n = spatial.length;
  const dilation = dilationRates(call, n, input);
  const rawStrides = argument(call, 'strides');
  const strides = perAxis(rawStrides, n, 'strides');
  const padding = lowered(call, 'padding');
  let out: Dim[];
  if (padding === 'valid') {
    out = spatial.map((length, i) => {
      const kernel = kernelSize[i]!;
      if (kernel === null) throw new LayerError("unsupported operand type(s) for -: 'NoneType' and 'int'");
      if (!isKnown(kernel)) throw new OpNotKnown(`a kernel size known only at run time (${formatDim(kernel)}) is not analysed`);
      return convLength(length, kernel, strides[i]!, 'valid', dilation[i]!);
    });
    if (out.some((d) => isKnown(d) && d <= 0)) {
      const stridesText = typeof rawStrides === 'number' ? formatShape(strides) : pythonRepr(rawStrides);
      throw new LayerError(
        `Computed output size would be zero or negative. Received \`inputs shape=${formatShape(input)}\`, \`kernel shape=${formatShape(kernelShape)}\`, \`dilation_rate=${numpyArray(dilation)}\`, \`strides=${stridesText}\`, \`padding=${padding}\`.`,
      );
    }
  } else if (padding === 'same' || padding === 'causal') {
    out = spatial.map((length, i) => convLength(length, 1, strides[i]!, 'same'));
  } else {
    throw new LayerError(`\`padding\` must be either \`'valid'\` or \`'same'\`. Received ${padding}.`);
  }
  return format === 'channels_last' ? [input[0]!, ...out, filters] : [input[0]!, filters, ...out];
}

function output(shape: Shape, dtype: string): OpOutput {
  return { shape, dtype };
}

const conv: OpRule = {
  compute(call) {
    const format = standardizeDataFormat(argument(call, 'data_format'));
    lowered(call, 'padding');
    const inputs = symbolicOperand(call, 'inputs');
    const kernel = shapeOfArgument(call, 'kernel');
    checkInputChannels(inputs.shape, kernel, format, -2);
    return output(convOutputShape(call, inputs.shape, pyIndex(kernel, -1), kernel.slice(0, -2), format), inputs.dtype);
  },
};

/** The output shape of `depthwise_conv(inputs, kernel)`: kernel.shape[-1] * kernel.shape[-2] channels. */
function depthwiseShape(call: OpCall, inputs: Shape, kernel: Shape, format: DataFormat): Shape {
  checkInputChannels(inputs, kernel, format, -2);
  return convOutputShape(call, inputs, product(pyIndex(kernel, -1), pyIndex(kernel, -2)), kernel.slice(0, -2), format);
}

const depthwiseConv: OpRule = {
  compute(call) {
    const format = standardizeDataFormat(argument(call, 'data_format'));
    lowered(call, 'padding');
    const inputs = symbolicOperand(call, 'inputs');
    return output(depthwiseShape(call, inputs.shape, shapeOfArgument(call, 'kernel'), format), inputs.dtype);
  },
};

/** A depthwise convolution, then the pointwise kernel's last size as the channels. */
const separableConv: OpRule = {
  compute(call) {
    const format = standardizeDataFormat(argument(call, 'data_format'));
    lowered(call, 'padding');
    const inputs = symbolicOperand(call, 'inputs');
    const depthwise = shapeOfArgument(call, 'depthwise_kernel');
    const pointwise = shapeOfArgument(call, 'pointwise_kernel');
    checkInputChannels(inputs.shape, depthwise, format, -2);
    const shape = [...depthwiseShape(call, inputs.shape, depthwise, format)];
    shape[format === 'channels_last' ? shape.length - 1 : 1] = pyIndex(pointwise, -1);
    return output(shape, inputs.dtype);
  },
};

/** An int, or one entry of a tuple (Python's IndexError past its end). */
function entry(value: JsonValue, i: number, what: string): number {
  const v = typeof value === 'number' ? value : Array.isArray(value) ? value[i] : undefined;
  if (Array.isArray(value) && i >= value.length) throw new LayerError('tuple index out of range');
  if (typeof v !== 'number' || !Number.isInteger(v)) throw new OpNotKnown(`\`${what}\`=${pythonRepr(value)} is not analysed`);
  return v;
}

/** Keras's `compute_conv_transpose_output_shape`: the kernel is (spatial…, filters, input channels). */
const convTranspose: OpRule = {
  compute(call) {
    const format = standardizeDataFormat(argument(call, 'data_format'));
    const padding = lowered(call, 'padding');
    const inputs = symbolicOperand(call, 'inputs');
    const kernel = shapeOfArgument(call, 'kernel');
    checkInputChannels(inputs.shape, kernel, format, -1);
    const kernelSize = kernel.slice(0, -2);
    const filters = pyIndex(kernel, -2);
    const outputPadding = argument(call, 'output_padding');
    const strides = argument(call, 'strides');
    const dilation = argument(call, 'dilation_rate');
    const spatial = spatialOf(inputs.shape, format);
    const out = spatial.map((length, i): Dim => {
      const pad = outputPadding === null ? null : entry(outputPadding, i, 'output_padding');
      if (i >= kernelSize.length) throw new LayerError('tuple index out of range');
      const [size, stride, rate] = [kernelSize[i]!, entry(strides, i, 'strides'), entry(dilation, i, 'dilation_rate')];
      if (length === null) return null;
      if (padding !== 'valid' && padding !== 'same') {
        throw new LayerError(`The \`padding\` argument must be one of 'valid', 'same'. Received: padding=${padding}`);
      }
      if (size === null) throw new LayerError("unsupported operand type(s) for -: 'NoneType' and 'int'");
      if (!isKnown(size)) return null;
      const n = deconvLength(length, size, stride, padding, pad, rate);
      if (isKnown(n) && n < 0) throw new OpNotKnown(`a negative output size (${n}) is not analysed`);
      return n;
    });
    const shape = format === 'channels_last' ? [pyIndex(inputs.shape, 0), ...out, filters] : [pyIndex(inputs.shape, 0), filters, ...out];
    return output(shape, inputs.dtype);
  },
};

/** NumPy's print of an array of sizes (`[ 1 10  3]`; with a None, an object array: `[None 8 3]`). */
function numpyShape(shape: Shape): string {
  return shape.every(isKnown) ? numpyArray(shape) : `[${shape.map(formatDim).join(' ')}]`;
}

/** Keras's `compute_pooling_output_shape`; strides None are the pool size. */
const pooling: OpRule = {
  compute(call) {
    const format = standardizeDataFormat(argument(call, 'data_format'));
    const padding = lowered(call, 'padding');
    const inputs = symbolicOperand(call, 'inputs');
    const input = inputs.shape;
    const rawPool = argument(call, 'pool_size');
    const rawStrides = argument(call, 'strides') ?? rawPool;
    const spatial = spatialOf(input, format);
    if (padding !== 'valid' && padding !== 'same') {
      throw new LayerError(`Argument \`padding\` must be either 'valid' or 'same'. Received: padding=${padding}`);
    }
    const strides = perAxis(rawStrides, spatial.length, 'strides');
    // "same" sizes do not read the pool size.
    const pool = padding === 'valid' ? perAxis(rawPool, spatial.length, 'pool_size') : strides.map(() => 1);
    const out = spatial.map((length, i) => convLength(length, pool[i]!, strides[i]!, padding));
    if (out.some((d) => isKnown(d) && d <= 0)) {
      const poolText = typeof rawPool === 'number' ? String(rawPool) : numpyArray(rawPool as number[]);
      throw new LayerError(
        `Computed output size would be zero or negative. Received: \`inputs.shape=${numpyShape(input)}\`, \`pool_size=${poolText}\`, \`strides=${pythonRepr(rawStrides)}\`, \`padding=${padding}\`.`,
      );
    }
    const shape =
      format === 'channels_last' ? [pyIndex(input, 0), ...out, pyIndex(input, -1)] : [pyIndex(input, 0), pyIndex(input, 1), ...out];
    return output(shape, inputs.dtype);
  },
};

/**
 * The adaptive pools' compute_output_spec as Keras 3.15 has it: channels last keeps `inputs.shape[:-len(output_size)]`
 * (so a 4-D input gives a 5-D output), and an int output_size has no len(). Any format but channels_last is read as
 * channels_first. A list output_size, which Keras cannot add to a tuple, is not told apart from a tuple here.
 */
const adaptivePooling: OpRule = {
  compute(call) {
    const inputs = symbolicOperand(call, 'inputs');
    const input = inputs.shape;
    const size = argument(call, 'output_size');
    if (!Array.isArray(size)) throw new LayerError(`object of type '${pythonType(size)}' has no len()`);
    const sizes = size.map((d) => {
      if (typeof d === 'number' && Number.isInteger(d) && d >= 0) return d;
      throw new OpNotKnown(`\`output_size\`=${pythonRepr(size)} is not analysed`);
    });
    const format = argument(call, 'data_format') ?? 'channels_last';
    const shape =
      format === 'channels_last'
        ? [...input.slice(0, sizes.length === 0 ? 0 : Math.max(0, input.length - sizes.length)), ...sizes, pyIndex(input, -1)]
        : [pyIndex(input, 0), pyIndex(input, 1), ...sizes];
    return output(shape, inputs.dtype);
  },
};

export const convOps: Readonly<Record<string, OpRule>> = {
  'keras.ops.conv': conv,
  'keras.ops.depthwise_conv': depthwiseConv,
  'keras.ops.separable_conv': separableConv,
  'keras.ops.conv_transpose': convTranspose,
  'keras.ops.max_pool': pooling,
  'keras.ops.average_pool': pooling,
  'keras.ops.adaptive_max_pool': adaptivePooling,
  'keras.ops.adaptive_average_pool': adaptivePooling,
};
