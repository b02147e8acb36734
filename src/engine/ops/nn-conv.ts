// Kernels of the keras.ops that slide a window: conv, depthwise_conv, separable_conv, conv_transpose, max_pool,
// average_pool and the adaptive pools, as Keras's JAX backend computes them (keras/src/backend/jax/nn.py): on a
// channels-last input (a channels_first one is transposed there and back), 1-D as 2-D with a height of 1.

import * as tf from '@tensorflow/tfjs';
import { convolution, depthwiseConvolution, spreadAxes } from '../convolution.js';
import type { ConvolutionWindow } from '../convolution.js';
import { transposePadding } from '../layers/conv1d.js';
import { toChannelsFirst, toChannelsLast } from '../layers/common.js';
import type { Kernel, KernelCall } from './kernel.js';

type Padding = 'valid' | 'same';

/** An int for every spatial axis, or a tuple of one per axis (JAX's `_convert_to_spatial_operand`). */
function perAxis(call: KernelCall, name: string, n: number, least = 1): number[] {
  const value = call.value(name);
  const list = typeof value === 'number' ? Array<number>(n).fill(value) : value;
  if (!Array.isArray(list) || list.length !== n || !list.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= least)) {
    throw new Error(`${call.path} with \`${name}\`=${JSON.stringify(value)} for ${n} spatial axes is not evaluated`);
  }
  return list as number[];
}

function paddingOf(call: KernelCall): Padding {
  const padding = call.value('padding');
  const lowered = typeof padding === 'string' ? padding.toLowerCase() : padding;
  if (lowered !== 'valid' && lowered !== 'same') throw new Error(`${call.path} with padding=${JSON.stringify(padding)} is not evaluated`);
  return lowered;
}

/** Keras's data_format: None is channels_last (the default image_data_format). */
function channelsFirst(call: KernelCall): boolean {
  const format = call.value('data_format');
  if (format === null || format === 'channels_last') return false;
  if (format === 'channels_first') return true;
  throw new Error(`${call.path} with data_format=${JSON.stringify(format)} is not evaluated`);
}

/** `body` on the input in channels-last layout, its result back in the call's layout. */
function inLayout(call: KernelCall, x: tf.Tensor, body: (x: tf.Tensor) => tf.Tensor): tf.Tensor {
  if (!channelsFirst(call)) return body(x);
  return toChannelsFirst(body(toChannelsLast(x)));
}

function spatialRank(call: KernelCall, x: tf.Tensor, ranks: readonly number[] = [1, 2, 3]): number {
  const n = x.rank - 2;
  if (!ranks.includes(n)) throw new Error(`${call.path} of a rank-${x.rank} input is not evaluated`);
  return n;
}

type Window = ConvolutionWindow;

function windowOf(call: KernelCall, n: number, padding: Padding = paddingOf(call)): Window {
  return { strides: perAxis(call, 'strides', n), dilations: perAxis(call, 'dilation_rate', n), padding };
}

function channelsOf(call: KernelCall, x: tf.Tensor): number {
  return channelsFirst(call) ? x.shape[1]! : x.shape[x.rank - 1]!;
}

/** Keras's `conv`: the groups are the input channels over the kernel's input channels. */
const conv: Kernel = (call) => {
  const x = call.cast('inputs', 'float32');
  const kernel = call.cast('kernel', 'float32');
  const n = spatialRank(call, x);
  const w = windowOf(call, n);
  const channels = channelsOf(call, x);
  const kernelChannels = kernel.shape[kernel.rank - 2]!;
  if (kernel.rank !== x.rank || channels % kernelChannels !== 0) {
    throw new Error(`${call.path}: ${channels} input channels do not fit a kernel of shape [${kernel.shape.join(', ')}]`);
  }
  return inLayout(call, x, (t) => convolution(t, kernel, w, channels / kernelChannels));
};

function checkDepthwiseChannels(call: KernelCall, x: tf.Tensor, kernel: tf.Tensor): void {
  const channels = channelsOf(call, x);
  if (kernel.rank !== x.rank || kernel.shape[kernel.rank - 2] !== channels) {
    throw new Error(`${call.path}: ${channels} input channels do not fit a kernel of shape [${kernel.shape.join(', ')}]`);
  }
}

const depthwiseConv: Kernel = (call) => {
  const x = call.cast('inputs', 'float32');
  const kernel = call.cast('kernel', 'float32');
  const w = windowOf(call, spatialRank(call, x));
  checkDepthwiseChannels(call, x, kernel);
  return inLayout(call, x, (t) => depthwiseConvolution(t, kernel, w));
};

/** The depthwise convolution, then the pointwise one (stride 1, 'valid', the same dilation_rate). */
const separableConv: Kernel = (call) => {
  const x = call.cast('inputs', 'float32');
  const depthwiseKernel = call.cast('depthwise_kernel', 'float32');
  const pointwiseKernel = call.cast('pointwise_kernel', 'float32');
  const n = spatialRank(call, x);
  const w = windowOf(call, n);
  checkDepthwiseChannels(call, x, depthwiseKernel);
  const pointwise: Window = { strides: w.strides.map(() => 1), dilations: w.dilations, padding: 'valid' };
  return inLayout(call, x, (t) => {
    const middle = depthwiseConvolution(t, depthwiseKernel, w);
    const channels = middle.shape[middle.rank - 1]!;
    const kernelChannels = pointwiseKernel.shape[pointwiseKernel.rank - 2]!;
    if (pointwiseKernel.rank !== x.rank || channels % kernelChannels !== 0) {
      throw new Error(`${call.path}: a pointwise kernel of shape [${pointwiseKernel.shape.join(', ')}] does not fit ${channels} channels`);
    }
    return convolution(middle, pointwiseKernel, pointwise, channels / kernelChannels);
  });
};

/** Pads (or, negative, crops) the spatial axes 1… of a channels-last tensor by (left, right) pairs. */
function padSpatial(x: tf.Tensor, pads: readonly [number, number][]): tf.Tensor {
  const full: [number, number][] = [[0, 0], ...pads, [0, 0]];
  const padded = tf.pad(
    x,
    full.map(([l, r]) => [Math.max(l, 0), Math.max(r, 0)]),
  );
  if (full.every(([l, r]) => l >= 0 && r >= 0)) return padded;
  const begin = full.map(([l]) => Math.max(-l, 0));
  const size = padded.shape.map((d, i) => d - begin[i]! - Math.max(-full[i]![1], 0));
  return tf.slice(padded, begin, size);
}

/**
 * Keras's `conv_transpose` as jax.lax.conv_transpose computes it: the input spread out by the strides and padded as
 * Keras's padding and output_padding say, then convolved with stride 1 with the kernel flipped, its (filters, input
 * channels) axes swapped.
 */
const convTranspose: Kernel = (call) => {
  const x = call.cast('inputs', 'float32');
  const kernel = call.cast('kernel', 'float32');
  const n = spatialRank(call, x);
  const { strides, dilations, padding } = windowOf(call, n);
  const outputPadding = call.value('output_padding') === null ? null : perAxis(call, 'output_padding', n, 0);
  if (kernel.rank !== x.rank || kernel.shape[kernel.rank - 1] !== channelsOf(call, x)) {
    throw new Error(`${call.path}: ${channelsOf(call, x)} input channels do not fit a kernel of shape [${kernel.shape.join(', ')}]`);
  }
  const spatial = [...Array(n).keys()];
  const pads = spatial.map((i) => transposePadding(kernel.shape[i]!, strides[i]!, dilations[i]!, padding, outputPadding?.[i] ?? null));
  const flipped = tf.transpose(tf.reverse(kernel, spatial), [...spatial, n + 1, n]);
  const window: Window = { strides: spatial.map(() => 1), dilations, padding: 'valid' };
  return inLayout(call, x, (t) => convolution(padSpatial(spreadAxes(t, 1, strides), pads), flipped, window));
};

type Pool = 'max' | 'avg';

/** A channels-last pooling; 'same' pads as TensorFlow (and JAX's reduce_window) do, an average counting the input only. */
function pool(kind: Pool, x: tf.Tensor, size: number[], strides: number[], padding: Padding): tf.Tensor {
  if (x.rank === 3) {
    const out = pool(kind, tf.expandDims(x, 1), [1, size[0]!], [1, strides[0]!], padding);
    return tf.squeeze(out, [1]);
  }
  if (x.rank === 4) {
    const op = kind === 'max' ? tf.maxPool : tf.avgPool;
    return op(x as tf.Tensor4D, size as [number, number], strides as [number, number], padding);
  }
  if (kind === 'avg') {
    return tf.avgPool3d(
      x as tf.Tensor5D,
      size as [number, number, number],
      strides as [number, number, number],
      padding,
      undefined,
      'NDHWC',
    );
  }
  return maxPool3d(x, size, strides, padding);
}

/**
 * A 3-D max pool as two 2-D ones, (height, width) then depth: the wasm backend's MaxPool3D starts from the smallest
 * positive float, not −∞, so a window of negatives gives 1.2e-38. The maximum of a box is its maximum along each axis
 * in turn, each axis padded by itself.
 */
function maxPool3d(x: tf.Tensor, size: number[], strides: number[], padding: Padding): tf.Tensor {
  const [n, d, h, w, c] = x.shape as [number, number, number, number, number];
  const planes = tf.maxPool(tf.reshape(x, [n * d, h, w, c]) as tf.Tensor4D, [size[1]!, size[2]!], [strides[1]!, strides[2]!], padding);
  const [, h2, w2] = planes.shape;
  const deep = tf.maxPool(tf.reshape(planes, [n, d, h2 * w2, c]) as tf.Tensor4D, [size[0]!, 1], [strides[0]!, 1], padding);
  return tf.reshape(deep, [n, deep.shape[1], h2, w2, c]);
}

function pooling(kind: Pool): Kernel {
  return (call) => {
    const x = call.cast('inputs', 'float32');
    const n = spatialRank(call, x);
    const size = perAxis(call, 'pool_size', n);
    const strides = call.value('strides') === null ? size : perAxis(call, 'strides', n);
    const padding = paddingOf(call);
    return inLayout(call, x, (t) => pool(kind, t, size, strides, padding));
  };
}

/**
 * The windows of an adaptive pool along an axis of `length`, as Keras's JAX backend finds them: position j pools
 * [floor(j·L/out), ceil((j+1)·L/out)), computed in float32 as XLA does (times the float32 reciprocal of out: 7·7/7
 * is 7.0000005), then gathered from the pools of the small (ceil(L/out)) and big (one more) windows concatenated;
 * an index past them gives NaN (jnp.take's fill).
 */
function adaptiveWindows(length: number, out: number): ({ start: number; size: number } | null)[] {
  const f32 = Math.fround;
  const reciprocal = f32(1 / out);
  const small = Math.ceil(length / out);
  const big = small + 1;
  const smallCount = length - small + 1;
  const bigCount = Math.max(length - big + 1, 0);
  return Array.from({ length: out }, (_, j) => {
    const start = Math.floor(f32(f32(j * length) * reciprocal));
    const end = Math.ceil(f32(f32((j + 1) * length) * reciprocal));
    const index = end - start === big ? start + smallCount : start;
    if (index < smallCount) return { start: index, size: small };
    return index - smallCount < bigCount ? { start: index - smallCount, size: big } : null;
  });
}

/** The adaptive pools, each spatial axis in turn as JAX does. */
function adaptivePooling(kind: Pool): Kernel {
  return (call) => {
    const x = call.cast('inputs', 'float32');
    const n = spatialRank(call, x);
    const sizes = perAxis(call, 'output_size', n);
    return inLayout(call, x, (t) =>
      sizes.reduce((y, out, i) => {
        const axis = i + 1;
        const windows = adaptiveWindows(y.shape[axis]!, out).map((w) => {
          const shape = y.shape.map((d, a) => (a === axis ? 1 : d));
          if (w === null) return tf.fill(shape, NaN);
          const window = tf.slice(
            y,
            y.shape.map((_, a) => (a === axis ? w.start : 0)),
            y.shape.map((d, a) => (a === axis ? w.size : d)),
          );
          return kind === 'max' ? tf.max(window, axis, true) : tf.div(tf.sum(window, axis, true), w.size);
        });
        return tf.concat(windows, axis);
      }, t),
    );
  };
}

export const convKernels: Readonly<Record<string, Kernel>> = {
  'keras.ops.conv': conv,
  'keras.ops.depthwise_conv': depthwiseConv,
  'keras.ops.separable_conv': separableConv,
  'keras.ops.conv_transpose': convTranspose,
  'keras.ops.max_pool': pooling('max'),
  'keras.ops.average_pool': pooling('avg'),
};

/** Kernels checked against Keras by hand only: the reference has no case of these ops (see nn.ts). */
export const adaptivePoolKernels: Readonly<Record<string, Kernel>> = {
  'keras.ops.adaptive_max_pool': adaptivePooling('max'),
  'keras.ops.adaptive_average_pool': adaptivePooling('avg'),
};
