// Kernels of the math family (keras/src/ops/math.py, JAX backend): top_k, in_top_k, segment_sum, segment_max, logdet,
// extract_sequences.

import * as tf from '@tensorflow/tfjs';
import type { Kernel, KernelCall } from './kernel.js';
import { gatherRows, product } from './numerics-common.js';

const intMin = -2147483648;

/**
 * lax.top_k along the last axis, always sorted: the largest first in XLA's total order (NaN above +inf, +0 above -0),
 * ties by the lower index. TensorFlow.js's topk orders numbers only, so NaN and -0 are given keys it can order.
 */
function topK(call: KernelCall): tf.Tensor[] {
  const k = call.number('k');
  let x = call.tensor('x');
  if (x.dtype === 'bool') x = tf.cast(x, 'int32');
  if (x.rank === 0) throw new Error(`${call.path} of a scalar is not evaluated`);
  const n = x.shape.at(-1)!;
  if (!Number.isInteger(k) || k < 0 || k > n) throw new Error(`${call.path}: k=${k} is not in [0, ${n}]`);
  if (x.dtype !== 'float32') {
    const { values, indices } = tf.topk(x, k, true);
    return [values, indices];
  }
  const lead = x.shape.slice(0, -1);
  const rows = product(lead);
  const flat = tf.reshape(x, [rows, n]);
  // -0 just below +0: the negative number of least magnitude (none of the values lies strictly between the two).
  const negativeZero = tf.logicalAnd(tf.equal(flat, 0), tf.less(tf.div(1, flat), 0));
  const isNaN = tf.isNaN(flat);
  let key = tf.where(negativeZero, tf.fill(flat.shape, -1.401298464324817e-45, 'float32'), flat);
  key = tf.where(isNaN, tf.fill(flat.shape, Infinity, 'float32'), key);
  let indices: tf.Tensor;
  if (tf.any(isNaN).dataSync()[0]) {
    // NaN and +inf share the key +inf, so sort everything, then move the NaNs (ahead, in index order) before the +infs.
    const all = tf.topk(key, n, true).indices;
    const nanAt = tf.cast(tf.isNaN(gatherRows(flat, all)), 'int32');
    const position = tf.range(0, n, 1, 'int32').reshape([1, n]);
    const reorder = tf.topk(tf.sub(tf.mul(nanAt, tf.scalar(2 * n, 'int32')), position), k, true).indices;
    indices = gatherRows(all, reorder);
  } else indices = tf.topk(key, k, true).indices;
  const values = gatherRows(flat, indices);
  return [tf.reshape(values, [...lead, k]), tf.reshape(indices, [...lead, k])];
}

/**
 * in_top_k: whether the prediction at each target ranks within the k largest (1 + how many predictions are greater);
 * a NaN prediction there, or a target out of range (JAX's take_along_axis fills NaN), counts as -inf.
 */
function inTopK(call: KernelCall): tf.Tensor {
  const targets = call.cast('targets', 'int32');
  const predictions = call.cast('predictions', 'float32');
  const k = call.number('k');
  const n = predictions.shape.at(-1)!;
  const rows = product(predictions.shape.slice(0, -1));
  if (targets.size !== rows) throw new Error(`${call.path}: the targets do not match the predictions' leading dimensions`);
  const flat = tf.reshape(predictions, [rows, n]);
  const t = tf.reshape(targets, [rows, 1]);
  const wrapped = tf.where(tf.less(t, 0), tf.add(t, tf.scalar(n, 'int32')), t);
  const valid = tf.logicalAnd(tf.greaterEqual(wrapped, 0), tf.less(wrapped, n));
  const at = gatherRows(flat, tf.where(valid, wrapped, tf.zerosLike(wrapped)));
  const target = tf.where(tf.logicalAnd(valid, tf.logicalNot(tf.isNaN(at))), at, tf.fill(at.shape, -Infinity, 'float32'));
  const rank = tf.add(1, tf.sum(tf.cast(tf.greater(flat, target), 'int32'), 1));
  return tf.reshape(tf.lessEqual(rank, tf.scalar(k, 'int32')), targets.shape);
}

/** jax.ops.segment_*: data rows reduced by segment id into num_segments rows; ids outside [0, num_segments) dropped. */
function segmentReduction(which: 'sum' | 'max' | 'min' | 'prod'): Kernel {
  return (call) => {
    const segments = call.value('num_segments');
    if (typeof segments !== 'number') throw new Error(`${call.path} needs num_segments (as JAX does)`);
    const dtype = call.outputDtype === 'bool' ? 'int32' : call.outputDtype;
    const data = call.cast('data', dtype);
    const ids = call.cast('segment_ids', 'int32');
    if (ids.rank !== 1 || data.rank === 0 || ids.shape[0] !== data.shape[0]) {
      throw new Error(`${call.path}: segment_ids must be a vector as long as data's first dimension`);
    }
    const [count, ...rest] = data.shape;
    const mask = tf.equal(tf.reshape(ids, [1, count!]), tf.reshape(tf.range(0, segments, 1, 'int32'), [segments, 1]));
    const shape = [segments, count!, ...rest];
    const wide = tf.broadcastTo(tf.reshape(mask, [segments, count!, ...rest.map(() => 1)]), shape);
    const values = tf.broadcastTo(tf.expandDims(data, 0), shape);
    // What an empty segment holds: the reduction's identity (JAX's segment_max of nothing is -inf, or the int minimum).
    const float = dtype === 'float32';
    const empty = { sum: 0, prod: 1, max: float ? -Infinity : intMin, min: float ? Infinity : 2147483647 }[which];
    const reduce = { sum: tf.sum, prod: tf.prod, max: tf.max, min: tf.min }[which];
    return reduce(tf.where(wide, values, tf.fill(shape, empty, dtype)), 1);
  };
}

/**
 * The pivots of the LU factorization of each n×n matrix of `data` (float32, row-major, stacked): partial pivoting, as
 * OpenBLAS's getf2 under JAX's lu: left-looking (each entry less the float32 dot product of its row of L and column of
 * U), the first largest |value| as pivot, the column below scaled by 1 / pivot (divided for a subnormal pivot). In
 * float32 throughout (Math.fround), so that an ill-conditioned matrix loses what JAX's loses. TensorFlow.js has no LU
 * op, and matrices whose determinant one takes are small: this is a loop over the data.
 */
function luPivots(data: Float32Array, count: number, n: number): Float32Array {
  const pivots = new Float32Array(count * n);
  const a = new Float32Array(n * n);
  const f = Math.fround;
  for (let m = 0; m < count; m++) {
    a.set(data.subarray(m * n * n, (m + 1) * n * n));
    for (let j = 0; j < n; j++) {
      for (let i = 0; i < n; i++) {
        let dot = 0;
        for (let k = 0; k < Math.min(i, j); k++) dot = f(dot + f(a[i * n + k]! * a[k * n + j]!));
        a[i * n + j] = f(a[i * n + j]! - dot);
      }
      let p = j;
      for (let i = j + 1; i < n; i++) if (Math.abs(a[i * n + j]!) > Math.abs(a[p * n + j]!)) p = i;
      if (p !== j) {
        for (let c = 0; c < n; c++) {
          const t = a[j * n + c]!;
          a[j * n + c] = a[p * n + c]!;
          a[p * n + c] = t;
        }
      }
      const pivot = a[j * n + j]!;
      pivots[m * n + j] = pivot;
      if (pivot === 0) continue;
      const reciprocal = f(1 / pivot);
      const normal = Math.abs(pivot) >= 1.1754943508222875e-38;
      for (let i = j + 1; i < n; i++) a[i * n + j] = normal ? f(a[i * n + j]! * reciprocal) : f(a[i * n + j]! / pivot);
    }
  }
  return pivots;
}

/** log |det x| (JAX's slogdet(x)[1]): the logs of the LU pivots' magnitudes summed; -inf for a zero pivot. */
function logdet(call: KernelCall): tf.Tensor {
  const x = call.cast('x', 'float32');
  if (x.rank < 2 || x.shape.at(-1) !== x.shape.at(-2)) throw new Error(`${call.path}: x is not a batch of square matrices`);
  const n = x.shape.at(-1)!;
  const batch = x.shape.slice(0, -2);
  const count = product(batch);
  const pivots = tf.tensor2d(luPivots(x.dataSync() as Float32Array, count, n), [count, n], 'float32');
  const logs = tf.sum(tf.log(tf.abs(pivots)), 1);
  const singular = tf.any(tf.equal(pivots, 0), 1);
  return tf.reshape(tf.where(singular, tf.fill(logs.shape, -Infinity, 'float32'), logs), batch);
}

/**
 * extract_sequences: the frames x[..., i·stride : i·stride + length] along the last axis. JAX takes them by a
 * convolution with one-hot filters, so an inf or NaN in a frame makes every other value of that frame NaN (0 · inf).
 */
function extractSequences(call: KernelCall): tf.Tensor {
  const x = call.tensor('x');
  const length = call.number('sequence_length');
  const stride = call.number('sequence_stride');
  if (x.rank < 1) throw new Error(`${call.path}: x must have rank >= 1`);
  const size = x.shape.at(-1)!;
  const frames = Math.max(0, 1 + Math.floor((size - length) / stride));
  const index = Array.from({ length: frames * length }, (_, i) => Math.floor(i / length) * stride + (i % length));
  const gathered = tf.gather(x, tf.tensor2d(index, [frames, length], 'int32'), x.rank - 1);
  const out = tf.reshape(gathered, [...x.shape.slice(0, -1), frames, length]);
  if (out.dtype !== 'float32') return out;
  const bad = tf.cast(tf.logicalNot(tf.isFinite(out)), 'int32');
  const others = tf.sub(tf.sum(bad, -1, true), bad);
  return tf.where(tf.greater(others, 0), tf.fill(out.shape, NaN, 'float32'), out);
}

export const mathNumericKernels: Readonly<Record<string, Kernel>> = {
  'keras.ops.top_k': topK,
  'keras.ops.in_top_k': inTopK,
  'keras.ops.segment_sum': segmentReduction('sum'),
  'keras.ops.segment_max': segmentReduction('max'),
  'keras.ops.segment_min': segmentReduction('min'),
  'keras.ops.segment_prod': segmentReduction('prod'),
  'keras.ops.logdet': logdet,
  'keras.ops.extract_sequences': extractSequences,
};
