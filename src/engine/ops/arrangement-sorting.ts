// Kernels of the keras.ops that sort or search: sort, argsort, argpartition, searchsorted, digitize. XLA sorts stably
// in a total order with every NaN after +inf (and -0 equal to 0), so an element's place is the number of elements
// before it in that order plus the equal ones before it: pairwise comparisons along the axis, for axes of moderate
// size. searchsorted is JAX's binary search (method 'scan'), step by step: on a sequence that is not sorted it gives
// what JAX gives.

import * as tf from '@tensorflow/tfjs';
import { alongLast, anyTrue, axisOf, clipInt, gatherRows, intOf } from './arrangement-helpers.js';
import type { Kernel, KernelCall } from './kernel.js';

/** The most pairwise comparisons a sort makes (rows × n × n). */
const maxComparisons = 2 ** 24;

/** a < b in the total order (NaN last). */
function lessThan(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  if (a.dtype !== 'float32') return tf.less(a, b);
  return tf.logicalOr(tf.less(a, b), tf.logicalAnd(tf.isNaN(b), tf.logicalNot(tf.isNaN(a))));
}

/** a == b in the total order (NaN equal to NaN). */
function equalTo(a: tf.Tensor, b: tf.Tensor): tf.Tensor {
  if (a.dtype !== 'float32') return tf.equal(a, b);
  return tf.logicalOr(tf.equal(a, b), tf.logicalAnd(tf.isNaN(a), tf.isNaN(b)));
}

/** a ≤ b in the total order. */
const lessEqual = (a: tf.Tensor, b: tf.Tensor): tf.Tensor => tf.logicalOr(lessThan(a, b), equalTo(a, b));

const sortable = (x: tf.Tensor): tf.Tensor => (x.dtype === 'bool' ? tf.cast(x, 'int32') : x);

/** The place of each element along the last axis in a stable ascending sort (int32). */
function stableRanks(call: KernelCall, x: tf.Tensor): tf.Tensor {
  const n = x.shape[x.rank - 1]!;
  if (x.size * n > maxComparisons) throw new Error(`${call.path} along an axis of ${n} elements (of ${x.size}) is not evaluated`);
  const mine = tf.expandDims(x, -1); // [..., i, 1]
  const theirs = tf.expandDims(x, -2); // [..., 1, j]
  const earlier = tf.less(tf.range(0, n, 1, 'int32').reshape([1, n]), tf.range(0, n, 1, 'int32').reshape([n, 1])); // [i, j]: j < i
  const before = tf.logicalOr(lessThan(theirs, mine), tf.logicalAnd(equalTo(theirs, mine), earlier));
  return tf.sum(tf.cast(before, 'int32'), -1);
}

/** The permutation whose k-th entry is the element of key k (the keys a permutation of 0..n−1 along the last axis). */
function inverseOf(keys: tf.Tensor): tf.Tensor {
  const n = keys.shape[keys.rank - 1]!;
  const hot = tf.cast(tf.equal(tf.expandDims(keys, -1), tf.range(0, n, 1, 'int32')), 'int32'); // [..., i, k]
  return tf.sum(tf.mul(hot, tf.range(0, n, 1, 'int32').reshape([n, 1])), -2);
}

/** x along the last axis at the given indices (batched over the other axes). */
function gatherLast(x: tf.Tensor, indices: tf.Tensor): tf.Tensor {
  const n = x.shape[x.rank - 1]!;
  const rows = x.size / Math.max(n, 1);
  const flat = gatherRows(tf.reshape(x, [rows, n]), tf.reshape(indices, [rows, n]));
  return tf.reshape(flat, x.shape);
}

/** x flattened for axis None (and for a scalar), else the axis counted from the start. */
function sortAxis(call: KernelCall, x: tf.Tensor): { x: tf.Tensor; axis: number } {
  if (call.value('axis') === null || x.rank === 0) return { x: tf.reshape(x, [-1]), axis: 0 };
  return { x, axis: axisOf(call, intOf(call, 'axis'), x.rank) };
}

/** jnp.argsort (stable). */
const argsort: Kernel = (call) => {
  const { x, axis } = sortAxis(call, sortable(call.tensor('x')));
  return alongLast(x, axis, (t) => (t.size === 0 ? tf.zeros(t.shape, 'int32') : inverseOf(stableRanks(call, t))));
};

/** jnp.sort: pairwise ranks for axes of moderate size; top-k (reversed) for longer axes without NaN. */
const sort: Kernel = (call) => {
  const { x, axis } = sortAxis(call, sortable(call.tensor('x')));
  return alongLast(x, axis, (t) => {
    const n = t.shape[t.rank - 1]!;
    if (t.size === 0 || n === 1) return t;
    if (t.size * n <= maxComparisons) return gatherLast(t, inverseOf(stableRanks(call, t)));
    if (t.dtype === 'float32' && anyTrue(tf.isNaN(t))) throw new Error(`${call.path} of ${n} elements with NaN is not evaluated`);
    return tf.reverse(tf.topk(t, n).values, -1);
  });
};

/**
 * jnp.argpartition, as JAX computes it: the kth+1 smallest (lax.top_k of −x: stably, in ascending order), then the
 * others in the order of their indices. NaN is refused: JAX negates it, which orders it by its sign bit.
 */
const argpartition: Kernel = (call) => {
  const input = sortable(call.tensor('x'));
  const { x, axis } = call.value('axis') === null ? { x: tf.reshape(input, [-1]), axis: 0 } : sortAxis(call, input);
  if (x.dtype === 'float32' && anyTrue(tf.isNaN(x))) throw new Error(`${call.path} of values with NaN is not evaluated`);
  // The op has x's int dtype only as int32: the smallest value of each int dtype is refused.
  if (x.dtype === 'int32' && [-128, -32768, -(2 ** 31)].some((min) => anyTrue(tf.equal(x, tf.scalar(min, 'int32'))))) {
    throw new Error(`${call.path} of the smallest value of an int dtype (which JAX's negation leaves negative) is not evaluated`);
  }
  return alongLast(x, axis, (t) => {
    const n = t.shape[t.rank - 1]!;
    const given = intOf(call, 'kth');
    const kth = given < 0 ? given + n : given;
    if (kth < 0 || kth >= n) throw new Error(`${call.path}: kth ${given} is out of bounds for an axis of size ${n}`);
    const ranks = stableRanks(call, t);
    const rest = tf.cast(tf.greater(ranks, tf.scalar(kth, 'int32')), 'int32');
    // Among the others, the place is kth+1 plus the number of others before it.
    const othersBefore = tf.sub(tf.cumsum(rest, rest.rank - 1), rest);
    const keys = tf.where(tf.cast(rest, 'bool'), tf.add(othersBefore, tf.scalar(kth + 1, 'int32')), ranks);
    return inverseOf(keys);
  });
};

/** The dtype a and v promote to (float32 if either is a float), each cast to it. */
function promotedPair(a: tf.Tensor, b: tf.Tensor): [tf.Tensor, tf.Tensor] {
  const dtype = a.dtype === 'float32' || b.dtype === 'float32' ? 'float32' : 'int32';
  return [a.dtype === dtype ? a : tf.cast(a, dtype), b.dtype === dtype ? b : tf.cast(b, dtype)];
}

/**
 * JAX's searchsorted (method 'scan'): ceil(log2(n + 1)) halvings of [0, n], going left where the value is ≤ the
 * middle element (side 'left') or < it ('right'), in the total order; the result is the high end.
 */
function searchSorted(call: KernelCall, sequence: tf.Tensor, values: tf.Tensor, side: string): tf.Tensor {
  if (side !== 'left' && side !== 'right') throw new Error(`${call.path} with side=${JSON.stringify(side)} is not evaluated`);
  if (sequence.rank !== 1) throw new Error(`${call.path} of a sequence that is not 1-D is not evaluated`);
  const n = sequence.shape[0]!;
  if (n === 0) return tf.zeros(values.shape, 'int32');
  const [a, v] = promotedPair(sequence, values);
  let low = tf.zeros(v.shape, 'int32');
  let high = tf.fill(v.shape, n, 'int32');
  const levels = Math.ceil(Math.log2(n + 1));
  for (let i = 0; i < levels; i++) {
    const mid = tf.add(low, tf.floorDiv(tf.sub(high, low), tf.scalar(2, 'int32')));
    const middle = tf.gather(a, clipInt(mid, 0, n - 1));
    const left = side === 'left' ? lessEqual(v, middle) : lessThan(v, middle);
    [low, high] = [tf.where(left, low, mid), tf.where(left, mid, high)];
  }
  return high;
}

const searchsorted: Kernel = (call) =>
  searchSorted(call, sortable(call.tensor('sorted_sequence')), sortable(call.tensor('values')), String(call.value('side')));

/** jnp.digitize (right=False): searchsorted on the right of increasing bins, from the end of the reversed decreasing ones. */
const digitize: Kernel = (call) => {
  const x = sortable(call.tensor('x'));
  const bins = sortable(call.tensor('bins'));
  if (bins.rank !== 1) throw new Error(`${call.path}: bins must be 1-D`);
  const n = bins.shape[0]!;
  if (n === 0) return tf.zeros(x.shape, 'int32');
  const [last, first] = promotedPair(tf.slice(bins, [n - 1], [1]), tf.slice(bins, [0], [1]));
  const increasing = tf.reshape(tf.greaterEqual(last, first), []);
  const up = searchSorted(call, bins, x, 'right');
  const down = tf.sub(tf.scalar(n, 'int32'), searchSorted(call, tf.reverse(bins, 0), x, 'right'));
  return tf.where(tf.broadcastTo(increasing, x.shape), up, down);
};

export const sortingKernels: Readonly<Record<string, Kernel>> = {
  'keras.ops.sort': sort,
  'keras.ops.argsort': argsort,
  'keras.ops.argpartition': argpartition,
  'keras.ops.searchsorted': searchsorted,
  'keras.ops.digitize': digitize,
};
