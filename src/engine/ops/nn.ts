// Kernels of the nn family (convolutions, pooling, softmax, one_hot, normalizations, losses, attention), as Keras's
// JAX backend computes them (keras/src/ops/nn.py, keras/src/backend/jax/nn.py). The windowed ops are in nn-conv.ts,
// the crossentropies in nn-losses.ts, ctc_decode and ctc_loss in nn-ctc.ts, the ops without a reference case in
// nn-extra.ts.

import * as tf from '@tensorflow/tfjs';
import type { JsonValue } from '../../graph/ir.js';
import type { Kernel, KernelCall } from './kernel.js';
import { adaptivePoolKernels, convKernels } from './nn-conv.js';
import { ctcDecode, ctcLoss } from './nn-ctc.js';
import { nnExtraKernels } from './nn-extra.js';
import { lossKernels } from './nn-losses.js';

/** Keras's epsilon (backend.epsilon()). */
const epsilon = 1e-7;

/** An axis of a rank-`rank` tensor, counted from the start. */
function positive(call: KernelCall, axis: JsonValue, rank: number): number {
  if (typeof axis !== 'number' || !Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new Error(`${call.path} with axis=${JSON.stringify(axis)} on a rank-${rank} tensor is not evaluated`);
  }
  return axis < 0 ? axis + rank : axis;
}

/** `axis` as a list of axes from the start: an int, a list of ints, or None for all. */
function axesOf(call: KernelCall, name: string, rank: number): number[] {
  const value = call.value(name);
  if (value === null) return [...Array(rank).keys()];
  return (Array.isArray(value) ? value : [value]).map((a) => positive(call, a, rank));
}

/** jax.nn.softmax: exp(x − max) over its sum. */
function softmaxOver(x: tf.Tensor, axes: number[]): tf.Tensor {
  const e = tf.exp(tf.sub(x, tf.max(x, axes, true)));
  return tf.div(e, tf.sum(e, axes, true));
}

/** jax.nn.log_softmax: (x − max) − log(sum(exp(x − max))). */
function logSoftmaxOver(x: tf.Tensor, axes: number[]): tf.Tensor {
  const shifted = tf.sub(x, tf.max(x, axes, true));
  return tf.sub(shifted, tf.log(tf.sum(tf.exp(shifted), axes, true)));
}

/** The float input of an op that computes in floats. */
const floatInput = (call: KernelCall, name = call.firstParameter): tf.Tensor => call.cast(name, 'float32');

/** The op's axis along `name` moved last, `fn` applied over the last axis, the axis moved back. */
function alongLast(x: tf.Tensor, axis: number, fn: (x: tf.Tensor) => tf.Tensor): tf.Tensor {
  if (axis === x.rank - 1) return fn(x);
  const perm = [...Array(x.rank).keys()].filter((a) => a !== axis).concat(axis);
  const inverse = perm.map((_, i) => perm.indexOf(i));
  return tf.transpose(fn(tf.transpose(x, perm)), inverse);
}

/** Keras's (JAX's) sparsemax, as written there: tau is (the sum of the cumulative sums in the support − 1) / k. */
function sparsemax(x: tf.Tensor): tf.Tensor {
  const n = x.shape[x.rank - 1]!;
  const sorted = tf.topk(x, n).values;
  const cumsum = tf.cumsum(sorted, x.rank - 1);
  const r = tf.range(1, n + 1, 1, 'float32');
  const support = tf.greater(tf.sub(sorted, tf.div(tf.sub(cumsum, 1), r)), 0);
  const k = tf.sum(tf.cast(support, 'float32'), -1, true);
  const safe = tf.where(support, cumsum, tf.zerosLike(cumsum));
  const tau = tf.div(tf.sub(tf.sum(safe, -1, true), 1), k);
  return tf.maximum(tf.sub(x, tau), 0);
}

/** The one-hot axis inserted at `axis` (-1: last) of the output, which has one axis more than x. */
function oneHotAxis(call: KernelCall, rank: number): number {
  return positive(call, call.value('axis'), rank + 1);
}

/** jax.nn.one_hot: x == class, compared in x's dtype (a float 0.5 is no class), as the output's dtype. */
function oneHot(x: tf.Tensor, classes: number, axis: number): tf.Tensor {
  const shape = x.shape.map(() => 1);
  shape.splice(axis, 0, classes);
  return tf.equal(tf.expandDims(x, axis), tf.reshape(tf.range(0, classes, 1, x.dtype === 'int32' ? 'int32' : 'float32'), shape));
}

/**
 * The dense values of Keras's sparse one-hot (a BCOO): each element's entry at class max(int(x), 0), its value
 * x ≥ 0 (`onlyNonNegative`) or 1 (multi_hot's sum then ≥ 0); classes past the last are dropped.
 */
function sparseOneHot(x: tf.Tensor, classes: number, axis: number, onlyNonNegative: boolean): tf.Tensor {
  const index = tf.cast(tf.maximum(x, 0), 'int32');
  const hot = tf.cast(oneHot(index, classes, axis), 'float32');
  return onlyNonNegative ? tf.mul(hot, tf.expandDims(tf.cast(tf.greaterEqual(x, 0), 'float32'), axis)) : hot;
}

const oneHotKernel: Kernel = (call) => {
  const x = call.tensor('x', 'float32');
  const classes = call.number('num_classes');
  const axis = oneHotAxis(call, x.rank);
  return call.value('sparse') === true ? sparseOneHot(x, classes, axis, true) : oneHot(x, classes, axis);
};

/** The one-hot of int32(x), then its max over axis 1 (axis 0 of a 1-D input). */
const multiHot: Kernel = (call) => {
  const x = call.tensor('inputs', 'float32');
  const classes = call.number('num_classes');
  const axis = oneHotAxis(call, x.rank);
  const reduction = x.rank > 1 ? 1 : 0;
  // Sparse, every element's entry survives the sum over its own class axis, a class past the last included.
  if (call.value('sparse') === true && axis === reduction) return tf.onesLike(x);
  const hot =
    call.value('sparse') === true ? sparseOneHot(x, classes, axis, false) : tf.cast(oneHot(tf.cast(x, 'int32'), classes, axis), 'float32');
  return tf.max(hot, reduction);
};

/** The mean and variance over `axes` (squeezed unless keepdims). */
const moments: Kernel = (call) => {
  const x = floatInput(call);
  const axes = axesOf(call, 'axes', x.rank);
  const keep = call.value('keepdims') === true;
  const mean = tf.mean(x, axes, true);
  const variance = tf.mean(tf.square(tf.sub(x, mean)), axes, true);
  return keep ? [mean, variance] : [tf.squeeze(mean, axes), tf.squeeze(variance, axes)];
};

/** `x` divided by its `order`-norm over `axis`, which is at least epsilon (order 2: rsqrt at most 1/epsilon). */
const normalize: Kernel = (call) => {
  let x = floatInput(call);
  if (x.rank === 0) x = tf.expandDims(x, 0);
  const order = call.value('order');
  const eps = call.value('epsilon') === null ? epsilon : call.number('epsilon');
  if (typeof order !== 'number' || !Number.isInteger(order) || order < 1) {
    throw new Error(`keras.ops.normalize with order=${JSON.stringify(order)} is not evaluated`);
  }
  const axes = axesOf(call, 'axis', x.rank);
  if (order === 2) {
    const inverse = tf.minimum(tf.rsqrt(tf.sum(tf.square(x), axes, true)), 1 / eps);
    return tf.mul(x, inverse);
  }
  if (axes.length !== 1) throw new Error(`keras.ops.normalize with order=${order} over several axes (a matrix norm) is not evaluated`);
  const absolute = tf.abs(x);
  const norm = order === 1 ? tf.sum(absolute, axes, true) : tf.pow(tf.sum(tf.pow(absolute, order), axes, true), 1 / order);
  return tf.div(x, tf.maximum(norm, eps));
};

/** A vector of x.shape[axis] sizes, shaped to broadcast along `axis` of a rank-`rank` tensor. */
function alongAxis(v: tf.Tensor, axis: number, rank: number): tf.Tensor {
  const shape = Array<number>(rank).fill(1);
  shape[axis] = v.shape[0]!;
  return tf.reshape(v, shape);
}

/** x·inv + (offset − mean·inv), inv = rsqrt(variance + epsilon)·scale, as Keras's JAX backend orders it. */
const batchNormalization: Kernel = (call) => {
  const x = floatInput(call, 'x');
  const axis = positive(call, call.value('axis'), x.rank);
  const vector = (name: string): tf.Tensor | null =>
    call.value(name) === null ? null : alongAxis(tf.reshape(call.cast(name, 'float32'), [-1]), axis, x.rank);
  const [mean, variance, offset, scale] = [vector('mean')!, vector('variance')!, vector('offset'), vector('scale')];
  let inv = tf.rsqrt(tf.add(variance, call.number('epsilon')));
  if (scale !== null) inv = tf.mul(inv, scale);
  let res = tf.mul(tf.neg(mean), inv);
  if (offset !== null) res = tf.add(res, offset);
  return tf.add(tf.mul(x, inv), res);
};

/** x·rsqrt(mean(x²) + epsilon) over `axis`, times scale. */
const rmsNormalization: Kernel = (call) => {
  let x = floatInput(call, 'x');
  if (x.rank === 0) x = tf.expandDims(x, 0);
  const eps = call.value('epsilon') === null ? epsilon : call.number('epsilon');
  const axes = axesOf(call, 'axis', x.rank);
  const out = tf.mul(x, tf.rsqrt(tf.add(tf.mean(tf.square(x), axes, true), eps)));
  return call.value('scale') === null ? out : tf.mul(out, call.cast('scale', 'float32'));
};

/** The first half of `axis` times the sigmoid of the second. */
const glu: Kernel = (call) => {
  const x = floatInput(call, 'x');
  const [a, b] = tf.split(x, 2, positive(call, call.value('axis'), x.rank));
  return tf.mul(a!, tf.sigmoid(b!));
};

/** x where x > threshold, else default_value. */
const threshold: Kernel = (call) => {
  const x = floatInput(call, 'x');
  return tf.where(tf.greater(x, call.cast('threshold', 'float32')), x, tf.broadcastTo(call.cast('default_value', 'float32'), x.shape));
};

/** softmax and log_softmax over an int axis, a tuple of axes, or None for all. */
function softmaxKernel(over: (x: tf.Tensor, axes: number[]) => tf.Tensor): Kernel {
  return (call) => {
    const x = floatInput(call, 'x');
    return over(x, axesOf(call, 'axis', x.rank));
  };
}

export const nnKernels: Readonly<Record<string, Kernel>> = {
  'keras.ops.softmax': softmaxKernel(softmaxOver),
  'keras.ops.log_softmax': softmaxKernel(logSoftmaxOver),
  'keras.ops.sparsemax': (call) => {
    const x = floatInput(call, 'x');
    return alongLast(x, positive(call, call.value('axis'), x.rank), sparsemax);
  },
  'keras.ops.one_hot': oneHotKernel,
  'keras.ops.multi_hot': multiHot,
  'keras.ops.moments': moments,
  'keras.ops.normalize': normalize,
  'keras.ops.batch_normalization': batchNormalization,
  'keras.ops.rms_normalization': rmsNormalization,
  'keras.ops.glu': glu,
  'keras.ops.threshold': threshold,
  'keras.ops.ctc_decode': ctcDecode,
  ...convKernels,
  ...lossKernels,
  ...nnExtraKernels,
  ...adaptivePoolKernels,
  'keras.ops.ctc_loss': ctcLoss,
};
