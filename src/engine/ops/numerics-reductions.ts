// Kernels of the cumulative ops (cumsum, nancumprod, …), the NaN-ignoring reductions (nanmax, nanvar, nanargmax, …),
// ptp, average and trapezoid, as JAX computes them (jax/_src/numpy/reductions.py).

import * as tf from '@tensorflow/tfjs';
import type { Kernel, KernelCall } from './kernel.js';
import { arithmeticDtype, axesOf, keepdimsOf, moveToEnd, numeric, singleAxis } from './numerics-common.js';

const orAll = (axes: number[] | null): number[] | undefined => axes ?? undefined;

/**
 * cumsum, cumprod and their nan versions: over the flattened tensor without an axis; x cast to the dtype asked (a bool
 * dtype accumulates x != 0 as int32 and gives bools, as JAX does), NaN counted as `fill` by the nan versions.
 */
function cumulative(accumulate: (x: tf.Tensor, axis: number) => tf.Tensor, fill?: number): Kernel {
  return (call) => {
    let x = call.tensor('x');
    if (fill !== undefined && x.dtype === 'float32') x = tf.where(tf.isNaN(x), tf.fill(x.shape, fill, 'float32'), x);
    let axis = 0;
    if (call.value('axis') === null) x = tf.reshape(x, [-1]);
    else {
      const a = call.value('axis');
      if (typeof a !== 'number' || !Number.isInteger(a)) throw new Error(`${call.path}: \`axis\` ${JSON.stringify(a)} is not an int`);
      axis = singleAxis(call, x.rank)!;
    }
    if (call.value('dtype') === 'bool') {
      const truth = x.dtype === 'bool' ? x : tf.notEqual(x, tf.scalar(0, x.dtype));
      return tf.notEqual(accumulate(tf.cast(truth, 'int32'), axis), 0);
    }
    const dtype = arithmeticDtype(call.outputDtype);
    return accumulate(x.dtype === dtype ? x : tf.cast(x, dtype), axis);
  };
}

type Reduce = (x: tf.Tensor, axis: number[] | undefined, keepdims: boolean) => tf.Tensor;

/** nanmax, nanmin, nanprod: NaN replaced by the reduction's identity; a slice of NaN only gives NaN (max, min). */
function nanReduction(reduce: Reduce, identity: number, nanIfAllNaN: boolean): Kernel {
  return (call) => {
    const x = numeric(call, 'x');
    const axes = orAll(axesOf(call, x.rank));
    const keep = keepdimsOf(call);
    if (x.dtype !== 'float32') return reduce(x, axes, keep);
    const isNaN = tf.isNaN(x);
    const out = reduce(tf.where(isNaN, tf.fill(x.shape, identity, 'float32'), x), axes, keep);
    return nanIfAllNaN ? tf.where(tf.all(isNaN, axes, keep), tf.fill(out.shape, NaN, 'float32'), out) : out;
  };
}

/** jnp.nanvar (ddof 0): the squared deviations from the NaN-ignoring mean over the count of numbers; NaN for none. */
function nanVariance(call: KernelCall): tf.Tensor {
  const x = call.cast('x', 'float32');
  const axes = orAll(axesOf(call, x.rank));
  const keep = keepdimsOf(call);
  const isNaN = tf.isNaN(x);
  const zeros = tf.zerosLike(x);
  const counted = tf.cast(tf.logicalNot(isNaN), 'float32');
  const mean = tf.div(tf.sum(tf.where(isNaN, zeros, x), axes, true), tf.sum(counted, axes, true));
  const centered = tf.where(isNaN, zeros, tf.sub(x, mean));
  const total = tf.sum(tf.square(centered), axes, keep);
  const count = tf.sum(counted, axes, keep);
  const none = tf.lessEqual(count, 0);
  return tf.div(tf.where(none, tf.fill(total.shape, NaN, 'float32'), total), tf.where(none, tf.onesLike(count), count));
}

/** nanargmax, nanargmin: NaN as the worst value, -1 for a slice of NaN only; the flattened tensor without an axis. */
function nanArgReduction(which: 'max' | 'min'): Kernel {
  return (call) => {
    let x = call.tensor('x');
    if (x.dtype === 'bool') x = tf.cast(x, 'int32');
    const rank = x.rank;
    const axis = singleAxis(call, rank);
    if (axis === null) x = tf.reshape(x, [-1]);
    const along = axis ?? 0;
    const arg = which === 'max' ? tf.argMax : tf.argMin;
    let index: tf.Tensor;
    if (x.dtype === 'float32') {
      const isNaN = tf.isNaN(x);
      const worst = tf.fill(x.shape, which === 'max' ? -Infinity : Infinity, 'float32');
      index = arg(tf.where(isNaN, worst, x), along);
      index = tf.where(tf.all(isNaN, along), tf.fill(index.shape, -1, 'int32'), index);
    } else index = arg(x, along);
    if (!keepdimsOf(call)) return index;
    return axis === null ? tf.reshape(index, new Array<number>(rank).fill(1)) : tf.expandDims(index, axis);
  };
}

/** jnp.average: the mean, or sum(x * w) / sum(w) with weights of x's shape or of the reduced axes' sizes. */
function average(call: KernelCall): tf.Tensor {
  const x = call.cast('x', 'float32');
  const axes = axesOf(call, x.rank);
  if (call.value('weights') === null) return tf.mean(x, orAll(axes));
  let w = call.cast('weights', 'float32');
  if (w.shape.join(',') !== x.shape.join(',')) {
    if (axes === null) throw new Error(`${call.path}: the weights must have the shape of x when axis is None`);
    const sizes = axes.map((a) => x.shape[a]!);
    if (w.shape.join(',') !== sizes.join(',')) {
      throw new Error(`${call.path}: the shape of the weights must be that of x along the axis`);
    }
    // lax.reshape with dimensions=argsort(axes): the weights' axes in the order of x's.
    const order = axes.map((_, i) => i).sort((i, j) => axes[i]! - axes[j]!);
    if (w.rank > 1) w = tf.transpose(w, order);
    w = tf.reshape(
      w,
      x.shape.map((d, i) => (axes.includes(i) ? d : 1)),
    );
  }
  return tf.div(tf.sum(tf.mul(x, w), orAll(axes)), tf.sum(w, orAll(axes)));
}

/** jnp.trapezoid: along `axis`, with spacing `dx` (a number or a tensor) or the differences of the sample points `x`. */
function trapezoid(call: KernelCall): tf.Tensor {
  const y0 = call.cast('y', 'float32');
  const axisValue = call.value('axis');
  if (typeof axisValue !== 'number' || !Number.isInteger(axisValue)) throw new Error(`${call.path}: \`axis\` is not an int`);
  const axis = singleAxis(call, y0.rank)!;
  let dx: tf.Tensor;
  if (call.value('x') === null) {
    dx = call.cast('dx', 'float32');
    if (dx.rank > 0) {
      if (dx.rank > y0.rank) throw new Error(`${call.path}: \`dx\` has more dimensions than y`);
      dx = moveToEnd(tf.reshape(dx, [...new Array<number>(y0.rank - dx.rank).fill(1), ...dx.shape]), axis);
    }
  } else {
    const x = call.cast('x', 'float32');
    if (x.rank === 1) dx = tf.sub(tf.slice(x, [1], [-1]), tf.slice(x, [0], [x.shape[0]! - 1]));
    else {
      const moved = moveToEnd(x, axis);
      const n = moved.shape.at(-1)!;
      const begin = moved.shape.map(() => 0);
      dx = tf.sub(
        tf.slice(moved, [...begin.slice(0, -1), 1], [...moved.shape.slice(0, -1), n - 1]),
        tf.slice(moved, begin, [...moved.shape.slice(0, -1), n - 1]),
      );
    }
  }
  const y = moveToEnd(y0, axis);
  const n = y.shape.at(-1)!;
  const lead = y.shape.slice(0, -1);
  const zeros = lead.map(() => 0);
  const at = (i: number, size: number): tf.Tensor => tf.slice(y, [...zeros, i], [...lead, size]);
  if (dx.rank === 0 || dx.shape.at(-1) === 1) {
    // The fast path JAX takes for a constant spacing: dx * (sum(y) - (y[0] + y[-1]) / 2).
    const d = dx.rank === 0 ? dx : tf.squeeze(dx, [dx.rank - 1]);
    const ends = tf.squeeze(tf.add(at(0, 1), at(n - 1, 1)), [y.rank - 1]);
    return tf.mul(d, tf.sub(tf.sum(y, -1), tf.mul(0.5, ends)));
  }
  return tf.mul(0.5, tf.sum(tf.mul(dx, tf.add(at(1, n - 1), at(0, n - 1))), -1));
}

export const reductionNumericKernels: Readonly<Record<string, Kernel>> = {
  'keras.ops.cumsum': cumulative((x, axis) => tf.cumsum(x, axis)),
  'keras.ops.cumprod': cumulative((x, axis) => tf.cumprod(x, axis)),
  'keras.ops.nancumsum': cumulative((x, axis) => tf.cumsum(x, axis), 0),
  'keras.ops.nancumprod': cumulative((x, axis) => tf.cumprod(x, axis), 1),
  'keras.ops.nanmax': nanReduction(tf.max, -Infinity, true),
  'keras.ops.nanmin': nanReduction(tf.min, Infinity, true),
  'keras.ops.nanprod': nanReduction(tf.prod, 1, false),
  'keras.ops.nanvar': nanVariance,
  'keras.ops.nanstd': (call) => tf.sqrt(nanVariance(call)),
  'keras.ops.nanargmax': nanArgReduction('max'),
  'keras.ops.nanargmin': nanArgReduction('min'),
  'keras.ops.ptp': (call) => {
    const x = numeric(call, 'x');
    const axes = orAll(axesOf(call, x.rank));
    return tf.sub(tf.max(x, axes, keepdimsOf(call)), tf.min(x, axes, keepdimsOf(call)));
  },
  'keras.ops.average': average,
  'keras.ops.trapezoid': trapezoid,
};
