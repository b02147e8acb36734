// Helpers of the numerics kernels (numerics.ts): axes, NaN-aware comparisons, the dtype an op computes in.

import * as tf from '@tensorflow/tfjs';
import type { KernelCall, TfDtype } from './kernel.js';

/** `axis` as non-negative axes of a rank-`rank` tensor (an int or a list of ints), or null for all of them. */
export function axesOf(call: KernelCall, rank: number, name = 'axis'): number[] | null {
  const axis = call.value(name);
  if (axis === null) return null;
  const list = Array.isArray(axis) ? axis : [axis];
  return list.map((a) => {
    if (typeof a !== 'number' || !Number.isInteger(a)) {
      throw new Error(`${call.path}: \`${name}\` ${JSON.stringify(axis)} is not an int or a list of ints`);
    }
    if (a < -rank || a >= rank) throw new Error(`${call.path}: axis ${a} is out of bounds for a rank-${rank} tensor`);
    return a < 0 ? a + rank : a;
  });
}

/** A single int `axis` (negative from the end), or null. */
export function singleAxis(call: KernelCall, rank: number, name = 'axis'): number | null {
  const axis = call.value(name);
  if (axis === null) return null;
  if (typeof axis !== 'number' || !Number.isInteger(axis)) {
    throw new Error(`${call.path}: \`${name}\` ${JSON.stringify(axis)} is not an int`);
  }
  if (axis < -rank || axis >= rank) throw new Error(`${call.path}: axis ${axis} is out of bounds for a rank-${rank} tensor`);
  return axis < 0 ? axis + rank : axis;
}

export const keepdimsOf = (call: KernelCall): boolean => call.value('keepdims') === true;

/** The shape a reduction over `axes` (null: all) leaves, reduced axes kept as 1 with keepdims. */
export function reducedShape(shape: readonly number[], axes: readonly number[] | null, keepdims: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    const reduced = axes === null || axes.includes(i);
    if (!reduced) out.push(d);
    else if (keepdims) out.push(1);
  });
  return out;
}

/** The dtype an arithmetic op computes in for an output of `dtype`: bools as int32 (TensorFlow.js has no bool arithmetic). */
export const arithmeticDtype = (dtype: TfDtype): TfDtype => (dtype === 'bool' ? 'int32' : dtype);

/** The tensor for `name` in the dtype the op computes in: the output's, bools as int32. */
export function numeric(call: KernelCall, name: string, dtype: TfDtype = arithmeticDtype(call.outputDtype)): tf.Tensor {
  return call.cast(name, dtype);
}

const nan = (t: tf.Tensor): tf.Tensor => tf.fill(t.shape, NaN, 'float32');

/** XLA's max: NaN when either operand is NaN (TensorFlow.js's maximum drops a NaN on wasm). */
export function maximumNaN(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const m = tf.maximum(a, b);
  if (m.dtype !== 'float32') return m;
  return tf.where(tf.logicalOr(tf.isNaN(a), tf.isNaN(b)), nan(m), m);
}

/** XLA's min: NaN when either operand is NaN. */
export function minimumNaN(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  const m = tf.minimum(a, b);
  if (m.dtype !== 'float32') return m;
  return tf.where(tf.logicalOr(tf.isNaN(a), tf.isNaN(b)), nan(m), m);
}

/** The transpose that moves `axes` to the end (kept axes first, in order), and the sizes of both groups. */
export function axesToEnd(shape: readonly number[], axes: readonly number[]): { perm: number[]; kept: number[]; reduced: number[] } {
  const keptAxes = shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const reducedAxes = shape.map((_, i) => i).filter((i) => axes.includes(i));
  return {
    perm: [...keptAxes, ...reducedAxes],
    kept: keptAxes.map((i) => shape[i]!),
    reduced: reducedAxes.map((i) => shape[i]!),
  };
}

/** `moveaxis(x, axis, -1)`. */
export function moveToEnd(x: tf.Tensor, axis: number): tf.Tensor {
  if (axis === x.rank - 1) return x;
  const perm = x.shape.map((_, i) => i).filter((i) => i !== axis);
  return tf.transpose(x, [...perm, axis]);
}

/** `x[r, index[r, j]]` for x of shape [R, n] and int32 indices of shape [R, Q] (gather's batchDims is wrong on wasm). */
export function gatherRows(x: tf.Tensor, index: tf.Tensor): tf.Tensor {
  const [rows, n] = x.shape as [number, number];
  const offsets = tf.reshape(tf.range(0, rows * n, n, 'int32'), [rows, 1]);
  return tf.gather(tf.reshape(x, [-1]), tf.add(index, offsets));
}

export const product = (shape: readonly number[]): number => shape.reduce((a, b) => a * b, 1);

/** A float argument given as a Python number, list of numbers or a tensor, as a float32 tensor. */
export function floatArgument(call: KernelCall, name: string): tf.Tensor {
  const value = call.value(name);
  if (Array.isArray(value)) {
    if (!value.every((v) => typeof v === 'number')) throw new Error(`${call.path}: \`${name}\` is not a list of numbers`);
    return tf.tensor1d(value as number[], 'float32');
  }
  const t = call.tensor(name, 'float32');
  return t.dtype === 'float32' ? t : tf.cast(t, 'float32');
}

/** The dtype two operands promote to, as TensorFlow.js holds it: float32 when either is a float, else int32, bools stay bools. */
export function promotedDtype(call: KernelCall, names: readonly string[]): TfDtype {
  const dtypes = names.map((name) => {
    const value = call.value(name);
    if (typeof value === 'number') return Number.isInteger(value) ? 'int32' : 'float32';
    if (typeof value === 'boolean') return 'bool';
    return call.tensor(name).dtype;
  });
  if (dtypes.includes('float32')) return 'float32';
  return dtypes.every((d) => d === 'bool') ? 'bool' : 'int32';
}
