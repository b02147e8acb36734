// Kernels of median, quantile, percentile and their nan versions, as jnp's _quantile computes them
// (jax/_src/numpy/reductions.py): the reduced axes moved to the end and flattened, sorted, and the two order
// statistics around q·(n - 1) combined by `method`.

import * as tf from '@tensorflow/tfjs';
import type { Kernel, KernelCall } from './kernel.js';
import { axesOf, axesToEnd, floatArgument, gatherRows, keepdimsOf, product } from './numerics-common.js';

type Method = 'linear' | 'lower' | 'higher' | 'midpoint' | 'nearest';
const methods: readonly string[] = ['linear', 'lower', 'higher', 'midpoint', 'nearest'];

interface Quantile {
  readonly q: tf.Tensor; // rank 0 or 1, float32, in [0, 1]
  readonly method: Method;
  /** The nan versions: NaN ignored (a slice of NaN only gives NaN); else any NaN in a slice gives NaN. */
  readonly ignoreNaN: boolean;
}

/** The values of `x` sorted ascending along the last axis (NaN, as +inf, last). */
function sortLast(x: tf.Tensor): tf.Tensor {
  const n = x.shape.at(-1)!;
  const key = tf.where(tf.isNaN(x), tf.fill(x.shape, Infinity, 'float32'), x);
  return tf.neg(tf.topk(tf.neg(key), n).values);
}

function quantile(call: KernelCall, x0: tf.Tensor, { q, method, ignoreNaN }: Quantile): tf.Tensor {
  if (q.rank > 1) throw new Error(`${call.path}: q must have rank <= 1, got shape (${q.shape.join(', ')})`);
  const x = x0.dtype === 'float32' ? x0 : tf.cast(x0, 'float32');
  const axes = axesOf(call, x.rank) ?? x.shape.map((_, i) => i);
  if (new Set(axes).size !== axes.length) throw new Error(`${call.path}: repeated axis`);
  const { perm, kept, reduced } = axesToEnd(x.shape, axes);
  const n = product(reduced);
  if (n === 0) throw new Error(`${call.path} of an empty slice is not evaluated`);
  const rows = product(kept);
  const flat = tf.reshape(tf.transpose(x, perm), [rows, n]);
  const sorted = sortLast(flat);
  const isNaN = tf.isNaN(flat);
  // The number of values per row, as a [rows, 1] column; q as a [1, Q] row.
  const counts = ignoreNaN ? tf.sum(tf.cast(tf.logicalNot(isNaN), 'float32'), 1, true) : tf.fill([rows, 1], n, 'float32');
  const qs = tf.reshape(q, [1, -1]);
  const position = tf.mul(qs, tf.sub(counts, 1));
  const low = tf.floor(position);
  const high = tf.ceil(position);
  const highWeight = tf.sub(position, low);
  const lowWeight = tf.sub(1, highWeight);
  const last = tf.sub(counts, 1);
  const index = (t: tf.Tensor): tf.Tensor => tf.cast(tf.maximum(0, tf.minimum(t, last)), 'int32');
  const lowValue = gatherRows(sorted, index(low));
  const highValue = gatherRows(sorted, index(high));
  let result: tf.Tensor;
  if (method === 'linear') result = tf.add(tf.mul(lowValue, lowWeight), tf.mul(highValue, highWeight));
  else if (method === 'lower') result = lowValue;
  else if (method === 'higher') result = highValue;
  else if (method === 'nearest') result = tf.where(tf.lessEqual(highWeight, 0.5), lowValue, highValue);
  else result = tf.mul(tf.add(lowValue, highValue), 0.5);
  // The non-nan versions give NaN for a row with a NaN; the nan versions read NaN (sorted last) for a row of NaN only.
  const nanRows = ignoreNaN ? tf.equal(counts, 0) : tf.any(isNaN, 1, true);
  result = tf.where(tf.broadcastTo(nanRows, result.shape), tf.fill(result.shape, NaN, 'float32'), result);
  // [rows, Q] → [Q, ...kept] (or [...kept] for a scalar q); keepdims puts the reduced axes back as 1.
  const outer = keepdimsOf(call) ? x.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : kept;
  const transposed = tf.transpose(result);
  return tf.reshape(transposed, q.rank === 0 ? outer : [q.shape[0]!, ...outer]);
}

function methodOf(call: KernelCall): Method {
  const method = call.value('method');
  if (typeof method !== 'string' || !methods.includes(method)) {
    throw new Error(`${call.path} with method ${JSON.stringify(method)} is not evaluated`);
  }
  return method as Method;
}

function quantileKernel(percent: boolean, ignoreNaN: boolean): Kernel {
  return (call) => {
    const q = floatArgument(call, 'q');
    return quantile(call, call.tensor('x'), { q: percent ? tf.div(q, 100) : q, method: methodOf(call), ignoreNaN });
  };
}

const median =
  (ignoreNaN: boolean): Kernel =>
  (call) =>
    quantile(call, call.tensor('x'), { q: tf.scalar(0.5), method: 'midpoint', ignoreNaN });

export const quantileKernels: Readonly<Record<string, Kernel>> = {
  'keras.ops.median': median(false),
  'keras.ops.nanmedian': median(true),
  'keras.ops.quantile': quantileKernel(false, false),
  'keras.ops.nanquantile': quantileKernel(false, true),
  'keras.ops.percentile': quantileKernel(true, false),
  'keras.ops.nanpercentile': quantileKernel(true, true),
};
