// Kernels of the keras.ops reductions over `axis` (an int, a list, or None for all) with `keepdims`.

import * as tf from '@tensorflow/tfjs';
import { truth, type Kernel, type KernelCall } from './kernel.js';

function axes(call: KernelCall): number | number[] | undefined {
  const axis = call.value('axis');
  if (axis === null) return undefined;
  if (typeof axis === 'number') return axis;
  if (Array.isArray(axis) && axis.every((a) => typeof a === 'number')) return axis as number[];
  throw new Error(`${call.path}: \`axis\` ${JSON.stringify(axis)} is not an int or a list of ints`);
}

const keepdims = (call: KernelCall): boolean => call.value('keepdims') === true;

type Reduce = (x: tf.Tensor, axis: number | number[] | undefined, keepdims: boolean) => tf.Tensor;

/** The reduction of x cast to the output's dtype (sum of ints in int32, mean in float32). */
function reduction(reduce: Reduce): Kernel {
  return (call) => reduce(call.cast('x'), axes(call), keepdims(call));
}

// Only floats hold NaN (native TensorFlow has no IsNan of int32).
const withoutNaN = (x: tf.Tensor): tf.Tensor => (x.dtype === 'float32' ? tf.where(tf.isNaN(x), tf.zerosLike(x), x) : x);

const variance: Reduce = (x, axis, keep) => {
  const mean = tf.mean(x, axis, true);
  return tf.mean(tf.square(tf.sub(x, mean)), axis, keep);
};

/** The first NaN wins, as in NumPy; else the reduction's index. */
function nanFirst(reduce: (x: tf.Tensor, axis: number) => tf.Tensor): (x: tf.Tensor, axis: number) => tf.Tensor {
  return (x, axis) => {
    if (x.dtype !== 'float32') return reduce(x, axis);
    const nan = tf.isNaN(x);
    return tf.where(tf.any(nan, axis), tf.argMax(tf.cast(nan, 'int32'), axis), reduce(x, axis));
  };
}

/** log(sum(exp(x))) shifted by the finite maximum: rows of infinities give ±inf, not NaN. */
const logSumExp: Reduce = (x, axis, keep) => {
  const m = tf.max(x, axis, true);
  const shift = tf.where(tf.isFinite(m), m, tf.zerosLike(m));
  const summed = tf.sum(tf.exp(tf.sub(x, shift)), axis, keep);
  return tf.add(tf.log(summed), tf.reshape(shift, summed.shape));
};

/** argmax / argmin: over the flattened tensor when axis is None; keepdims keeps the reduced axis as size 1. */
function argReduction(found: (x: tf.Tensor, axis: number) => tf.Tensor): Kernel {
  const reduce = nanFirst(found);
  return (call) => {
    const x = call.tensor('x', 'float32');
    const axis = call.value('axis');
    if (axis === null) {
      const index = reduce(tf.reshape(x, [-1]), 0);
      return keepdims(call)
        ? tf.reshape(
            index,
            x.shape.map(() => 1),
          )
        : index;
    }
    const a = call.number('axis');
    const index = reduce(x, a);
    return keepdims(call) ? tf.expandDims(index, a < 0 ? a + x.rank : a) : index;
  };
}

export const reductionKernels: Readonly<Record<string, Kernel>> = {
  'keras.ops.sum': reduction(tf.sum),
  'keras.ops.mean': reduction(tf.mean),
  'keras.ops.max': reduction(tf.max),
  'keras.ops.amax': reduction(tf.max),
  'keras.ops.min': reduction(tf.min),
  'keras.ops.amin': reduction(tf.min),
  'keras.ops.prod': reduction(tf.prod),
  'keras.ops.var': reduction(variance),
  'keras.ops.std': reduction((x, axis, keep) => tf.sqrt(variance(x, axis, keep))),
  'keras.ops.logsumexp': reduction(logSumExp),
  'keras.ops.all': (call) => tf.all(truth(call.tensor('x', 'float32')), axes(call), keepdims(call)),
  'keras.ops.any': (call) => tf.any(truth(call.tensor('x', 'float32')), axes(call), keepdims(call)),
  'keras.ops.count_nonzero': (call) => tf.sum(tf.cast(tf.notEqual(call.tensor('x', 'float32'), 0), 'int32'), axes(call)),
  'keras.ops.nansum': (call) => tf.sum(withoutNaN(call.cast('x')), axes(call), keepdims(call)),
  'keras.ops.nanmean': (call) => {
    const x = call.cast('x');
    const counted = tf.cast(tf.logicalNot(tf.isNaN(x)), 'float32');
    return tf.div(tf.sum(withoutNaN(x), axes(call), keepdims(call)), tf.sum(counted, axes(call), keepdims(call)));
  },
  'keras.ops.argmax': argReduction(tf.argMax),
  'keras.ops.argmin': argReduction(tf.argMin),
};
