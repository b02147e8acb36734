// The kernel of keras.ops.unique (jnp.unique) where its output shape is static: with `size` given. The unique values
// (or slices along `axis`) sorted ascending (lexicographically for slices; JAX sorts whatever `sorted` says), cut or
// padded to `size` with fill_value (by default the first unique value); the first index of each (padded with the
// first's), the inverse indices, and the counts (padded with 0). A loop over the data: there is no TensorFlow.js op.

import * as tf from '@tensorflow/tfjs';
import type { Kernel } from './kernel.js';

/** The permutation moving axis `from` of a rank-`rank` tensor to position `to`. */
function moved(rank: number, from: number, to: number): number[] {
  const rest = Array.from({ length: rank }, (_, i) => i).filter((i) => i !== from);
  rest.splice(to, 0, from);
  return rest;
}

const unique: Kernel = (call) => {
  const size = call.value('size');
  if (size === null) throw new Error(`${call.path} without \`size\` is not evaluated: the size of its output depends on the values`);
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 0)
    throw new Error(`${call.path}: size ${JSON.stringify(size)} is not an int`);
  const x = call.tensor('x');
  const axisValue = call.value('axis');
  if (axisValue !== null && (typeof axisValue !== 'number' || !Number.isInteger(axisValue)))
    throw new Error(`${call.path}: axis ${JSON.stringify(axisValue)} is not an int`);
  const fill = call.value('fill_value');
  if (fill !== null && typeof fill !== 'number' && typeof fill !== 'boolean')
    throw new Error(`${call.path} with a fill_value that is not a number is not evaluated`);
  const data = Array.from(x.dataSync() as ArrayLike<number>, Number);
  if (data.some(Number.isNaN)) throw new Error(`${call.path} of values with NaN is not evaluated (each NaN is its own value)`);

  // The slices compared: single values (axis None, x flattened) or the slices of x along `axis`, as arrays.
  let slices: number[][];
  let sliceShape: number[];
  let axis = 0;
  if (axisValue === null) {
    slices = data.map((v) => [v]);
    sliceShape = [];
  } else {
    if (x.rank === 0) throw new Error(`${call.path}: axis given for a scalar`);
    axis = axisValue < 0 ? axisValue + x.rank : axisValue;
    if (axis < 0 || axis >= x.rank) throw new Error(`${call.path}: axis ${axisValue} is out of bounds`);
    const front = tf.transpose(x, moved(x.rank, axis, 0));
    const n = x.shape[axis]!;
    const inner = n === 0 ? 0 : data.length / n;
    const flat = Array.from(front.dataSync() as ArrayLike<number>, Number);
    slices = Array.from({ length: n }, (_, i) => flat.slice(i * inner, (i + 1) * inner));
    sliceShape = front.shape.slice(1);
  }
  const compare = (a: number[], b: number[]) => {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
    return 0;
  };
  const order = slices.map((_, i) => i).sort((i, j) => compare(slices[i]!, slices[j]!) || i - j);
  const firsts: number[] = [];
  const counts: number[] = [];
  const inverse = new Array<number>(slices.length);
  for (const i of order) {
    const last = firsts.length - 1;
    if (last >= 0 && compare(slices[firsts[last]!]!, slices[i]!) === 0) counts[last]! += 1;
    else {
      firsts.push(i);
      counts.push(1);
    }
    inverse[i] = firsts.length - 1;
  }
  if (firsts.length === 0 && size > 0) throw new Error(`${call.path} of an empty tensor with size > 0 is not evaluated`);
  const fillSlice = fill === null ? slices[firsts[0]!]! : slices[0]!.map(() => Number(fill));
  const picked = Array.from({ length: size }, (_, k) => (k < firsts.length ? slices[firsts[k]!]! : fillSlice));
  const values = tf.tensor(picked.flat(), [size, ...sliceShape], x.dtype);
  const outputs: tf.Tensor[] = [axisValue === null ? values : tf.transpose(values, moved(values.rank, 0, axis))];
  const padded = (list: number[], pad: number) => Array.from({ length: size }, (_, k) => (k < list.length ? list[k]! : pad));
  if (call.value('return_index') === true) outputs.push(tf.tensor1d(padded(firsts, firsts[0] ?? 0), 'int32'));
  if (call.value('return_inverse') === true) outputs.push(tf.tensor(inverse, axisValue === null ? x.shape : [slices.length], 'int32'));
  if (call.value('return_counts') === true) outputs.push(tf.tensor1d(padded(counts, 0), 'int32'));
  return outputs.length === 1 ? outputs[0]! : outputs;
};

export const uniqueKernels: Readonly<Record<string, Kernel>> = {
  'keras.ops.unique': unique,
};
