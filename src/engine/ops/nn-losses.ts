// Kernels of the keras.ops crossentropies, as Keras's JAX backend computes them: probabilities clipped to
// [epsilon, 1 − epsilon] (the categorical ones first divided by their sum over `axis`), logits through
// log_sigmoid or log_softmax.

import * as tf from '@tensorflow/tfjs';
import type { Kernel, KernelCall } from './kernel.js';

/** Keras's epsilon (backend.epsilon()). */
const epsilon = 1e-7;

const fromLogits = (call: KernelCall): boolean => call.value('from_logits') === true;

function axisOf(call: KernelCall, rank: number): number {
  const axis = call.value('axis');
  if (typeof axis !== 'number' || !Number.isInteger(axis) || axis < -rank || axis >= rank) {
    throw new Error(`${call.path} with axis=${JSON.stringify(axis)} on a rank-${rank} output is not evaluated`);
  }
  return axis < 0 ? axis + rank : axis;
}

function sameShapes(call: KernelCall, target: tf.Tensor, output: tf.Tensor): void {
  if (target.shape.join() !== output.shape.join()) {
    throw new Error(`${call.path}: target of shape [${target.shape.join(', ')}] and output of shape [${output.shape.join(', ')}] differ`);
  }
}

/** The log-probabilities of the output over `axis`: log_softmax of logits, else the log of the clipped shares. */
function logProbabilities(call: KernelCall, output: tf.Tensor, axis: number): tf.Tensor {
  if (fromLogits(call)) {
    const shifted = tf.sub(output, tf.max(output, axis, true));
    return tf.sub(shifted, tf.log(tf.sum(tf.exp(shifted), axis, true)));
  }
  const shares = tf.div(output, tf.sum(output, axis, true));
  return tf.log(tf.clipByValue(shares, epsilon, 1 - epsilon));
}

const binaryCrossentropy: Kernel = (call) => {
  const target = call.cast('target', 'float32');
  const output = call.cast('output', 'float32');
  sameShapes(call, target, output);
  const negative = tf.sub(1, target);
  if (fromLogits(call)) {
    return tf.sub(tf.mul(tf.neg(target), tf.logSigmoid(output)), tf.mul(negative, tf.logSigmoid(tf.neg(output))));
  }
  const p = tf.clipByValue(output, epsilon, 1 - epsilon);
  return tf.neg(tf.add(tf.mul(target, tf.log(p)), tf.mul(negative, tf.log(tf.sub(1, p)))));
};

const categoricalCrossentropy: Kernel = (call) => {
  const target = call.cast('target', 'float32');
  const output = call.cast('output', 'float32');
  sameShapes(call, target, output);
  const axis = axisOf(call, output.rank);
  return tf.neg(tf.sum(tf.mul(target, logProbabilities(call, output, axis)), axis));
};

/** The target's class indices (int32, a trailing 1 dropped) one-hot along `axis`; other indices select nothing. */
const sparseCategoricalCrossentropy: Kernel = (call) => {
  let target = call.cast('target', 'int32');
  const output = call.cast('output', 'float32');
  if (target.rank === output.rank && target.shape[target.rank - 1] === 1) target = tf.squeeze(target, [-1]);
  if (target.shape.join() !== output.shape.slice(0, -1).join()) {
    throw new Error(`${call.path}: target of shape [${target.shape.join(', ')}] does not fit output of shape [${output.shape.join(', ')}]`);
  }
  const axis = axisOf(call, output.rank);
  const classes = output.shape[axis]!;
  const shape = target.shape.map(() => 1);
  shape.splice(axis, 0, classes);
  const hot = tf.cast(tf.equal(tf.expandDims(target, axis), tf.reshape(tf.range(0, classes, 1, 'int32'), shape)), 'float32');
  return tf.neg(tf.sum(tf.mul(hot, logProbabilities(call, output, axis)), axis));
};

export const lossKernels: Readonly<Record<string, Kernel>> = {
  'keras.ops.binary_crossentropy': binaryCrossentropy,
  'keras.ops.categorical_crossentropy': categoricalCrossentropy,
  'keras.ops.sparse_categorical_crossentropy': sparseCategoricalCrossentropy,
};
