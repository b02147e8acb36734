// Channels-last convolutions that every TensorFlow.js backend computes alike. Backends refuse some of the windows
// Keras takes: every tfjs backend a stride > 1 together with a dilation > 1; native TensorFlow (tfjs-node) a dilated
// Conv3D and a dilated depthwise convolution (TensorFlow's Python side rewrites those with space_to_batch), and a
// depthwise convolution whose strides differ. Those are computed exactly another way: a dilated kernel is the kernel
// with zeros between its taps, and unequal strides are stride 1 over the input padded as the strided window pads it,
// keeping every stride-th output.

import * as tf from '@tensorflow/tfjs';

export type WindowPadding = 'valid' | 'same';

export interface ConvolutionWindow {
  readonly strides: readonly number[];
  readonly dilations: readonly number[];
  readonly padding: WindowPadding;
}

/** `step − 1` zeros between neighbours along `axis`: the input of a strided transposed convolution, or a dilated kernel. */
export function spread(x: tf.Tensor, axis: number, step: number): tf.Tensor {
  if (step === 1) return x;
  const shape = x.shape;
  const zeros = tf.zeros([...shape.slice(0, axis + 1), step - 1, ...shape.slice(axis + 1)], x.dtype);
  const interleaved = tf.concat([tf.expandDims(x, axis + 1), zeros], axis + 1);
  const merged = tf.reshape(interleaved, [...shape.slice(0, axis), shape[axis]! * step, ...shape.slice(axis + 1)]);
  return tf.slice(
    merged,
    shape.map(() => 0),
    shape.map((d, i) => (i === axis ? (d - 1) * step + 1 : d)),
  );
}

/** {@link spread} along consecutive axes from `first`, one step each. */
export function spreadAxes(x: tf.Tensor, first: number, steps: readonly number[]): tf.Tensor {
  return steps.reduce((t, step, i) => spread(t, first + i, step), x);
}

const onNativeTensorFlow = (): boolean => tf.getBackend() === 'tensorflow';

/** The kernel and dilations the backend takes: the kernel dilated with zeros where it refuses the dilation. */
function dilatedFor(kernel: tf.Tensor, w: ConvolutionWindow, backendRefusesDilation: boolean): { kernel: tf.Tensor; dilations: number[] } {
  const dilated = w.dilations.some((d) => d > 1);
  const strided = w.strides.some((s) => s > 1);
  if (!dilated || (!strided && !backendRefusesDilation)) return { kernel, dilations: [...w.dilations] };
  return { kernel: spreadAxes(kernel, 0, w.dilations), dilations: w.dilations.map(() => 1) };
}

type Op = (x: tf.Tensor, k: tf.Tensor, s: number[], p: WindowPadding, d: number[]) => tf.Tensor;

/** Channels-last convolution by number of spatial axes. */
const convolutionOps: Readonly<Record<number, Op>> = {
  1: (x, k, s, p, d) => tf.conv1d(x as tf.Tensor3D, k as tf.Tensor3D, s[0]!, p, 'NWC', d[0]!),
  2: (x, k, s, p, d) => tf.conv2d(x as tf.Tensor4D, k as tf.Tensor4D, s as [number, number], p, 'NHWC', d as [number, number]),
  3: (x, k, s, p, d) =>
    tf.conv3d(x as tf.Tensor5D, k as tf.Tensor5D, s as [number, number, number], p, 'NDHWC', d as [number, number, number]),
};

function spatialRankOf(x: tf.Tensor, ranks: readonly number[]): number {
  const n = x.rank - 2;
  if (!ranks.includes(n)) throw new Error(`A convolution of a rank-${x.rank} input is not evaluated.`);
  return n;
}

/**
 * A convolution of a channels-last input (batch, spatial…, channels) with a kernel (spatial…, channels / groups,
 * filters): with groups (jax.lax's feature_group_count), each slice of the channels with its slice of the filters.
 */
export function convolution(x: tf.Tensor, kernel: tf.Tensor, w: ConvolutionWindow, groups = 1): tf.Tensor {
  const n = spatialRankOf(x, [1, 2, 3]);
  const fit = dilatedFor(kernel, w, n === 3 && onNativeTensorFlow());
  const op = (part: tf.Tensor, k: tf.Tensor): tf.Tensor => convolutionOps[n]!(part, k, [...w.strides], w.padding, fit.dilations);
  if (groups === 1) return op(x, fit.kernel);
  const kernels = tf.split(fit.kernel, groups, -1);
  return tf.concat(
    tf.split(x, groups, -1).map((part, g) => op(part, kernels[g]!)),
    -1,
  );
}

/** The (before, after) padding of each spatial axis that a strided window pads, as TensorFlow and JAX pad 'same'. */
function windowPads(x: tf.Tensor, kernel: tf.Tensor, w: ConvolutionWindow, dilations: readonly number[]): [number, number][] {
  return w.strides.map((stride, i) => {
    if (w.padding === 'valid') return [0, 0];
    const length = x.shape[i + 1]!;
    const effective = (kernel.shape[i]! - 1) * dilations[i]! + 1;
    const total = Math.max((Math.ceil(length / stride) - 1) * stride + effective - length, 0);
    return [Math.floor(total / 2), total - Math.floor(total / 2)];
  });
}

function depthwise2d(x: tf.Tensor, kernel: tf.Tensor, w: ConvolutionWindow): tf.Tensor {
  const native = onNativeTensorFlow();
  const fit = dilatedFor(kernel, w, native);
  const dilations = fit.dilations as [number, number];
  const [sh, sw] = w.strides as [number, number];
  if (sh === sw || !native) {
    return tf.depthwiseConv2d(x as tf.Tensor4D, fit.kernel as tf.Tensor4D, [sh, sw], w.padding, 'NHWC', dilations);
  }
  const padded = tf.pad(x, [[0, 0], ...windowPads(x, fit.kernel, w, dilations), [0, 0]]);
  const full = tf.depthwiseConv2d(padded as tf.Tensor4D, fit.kernel as tf.Tensor4D, 1, 'valid', 'NHWC', dilations);
  return tf.stridedSlice(full, [0, 0, 0, 0], full.shape, [1, sh, sw, 1]);
}

/**
 * A depthwise convolution of a channels-last input with a kernel (spatial…, channels, multiplier): channel c gives the
 * output channels c·m … c·m + m − 1.
 */
export function depthwiseConvolution(x: tf.Tensor, kernel: tf.Tensor, w: ConvolutionWindow): tf.Tensor {
  const n = spatialRankOf(x, [1, 2, 3]);
  if (n === 2) return depthwise2d(x, kernel, w);
  if (n === 1) {
    // As a 2-D convolution of height 1, strided alike on both axes: a height of 1 gives one row for any stride.
    const stride = w.strides[0]!;
    const window = { strides: [stride, stride], dilations: [1, w.dilations[0]!], padding: w.padding };
    return tf.squeeze(depthwise2d(tf.expandDims(x, 1), tf.expandDims(kernel, 0), window), [1]);
  }
  const channels = x.shape[x.rank - 1]!;
  const kernels = tf.split(kernel, channels, -2);
  return tf.concat(
    tf.split(x, channels, -1).map((part, c) => convolution(part, kernels[c]!, w)),
    -1,
  );
}

/** Keras's separable convolution: the depthwise step, then the pointwise kernel (1…, channels·multiplier, filters). */
export function separableConvolution(
  x: tf.Tensor,
  depthwiseKernel: tf.Tensor,
  pointwiseKernel: tf.Tensor,
  w: ConvolutionWindow,
): tf.Tensor {
  const depthwise = depthwiseConvolution(x, depthwiseKernel, w);
  const ones = w.strides.map(() => 1);
  return convolution(depthwise, pointwiseKernel, { strides: ones, dilations: ones, padding: 'valid' });
}
