// Kernels of the keras.ops that rearrange a tensor: reshape, transpose, expand_dims, squeeze, concatenate, stack.

import * as tf from '@tensorflow/tfjs';
import type { JsonValue } from '../../graph/ir.js';
import type { Kernel, KernelCall } from './kernel.js';

function ints(call: KernelCall, name: string): number[] {
  const value: JsonValue = call.value(name);
  const list = Array.isArray(value) ? value : [value];
  if (!list.every((v) => typeof v === 'number')) throw new Error(`${call.path}: \`${name}\` is not an int or a list of ints`);
  return list as number[];
}

/** The axes of a rank-`rank` tensor, negatives counted from the end. */
const positive = (axes: readonly number[], rank: number): number[] => axes.map((a) => (a < 0 ? a + rank : a));

export const shapeKernels: Readonly<Record<string, Kernel>> = {
  'keras.ops.reshape': (call) => tf.reshape(call.tensor('x'), ints(call, 'newshape')),
  'keras.ops.transpose': (call) => {
    const x = call.tensor('x');
    return tf.transpose(x, call.value('axes') === null ? undefined : positive(ints(call, 'axes'), x.rank));
  },
  'keras.ops.expand_dims': (call) => {
    const x = call.tensor('x');
    const rank = x.rank + ints(call, 'axis').length;
    return positive(ints(call, 'axis'), rank)
      .sort((a, b) => a - b)
      .reduce((t, axis) => tf.expandDims(t, axis), x);
  },
  'keras.ops.squeeze': (call) => {
    const x = call.tensor('x');
    return tf.squeeze(x, call.value('axis') === null ? undefined : positive(ints(call, 'axis'), x.rank));
  },
  'keras.ops.concatenate': (call) =>
    tf.concat(
      call.tensors('xs').map((t) => tf.cast(t, call.outputDtype)),
      call.number('axis'),
    ),
  'keras.ops.stack': (call) =>
    tf.stack(
      call.tensors('x').map((t) => tf.cast(t, call.outputDtype)),
      call.number('axis'),
    ),
};
