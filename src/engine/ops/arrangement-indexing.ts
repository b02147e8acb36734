// Kernels of the keras.ops that select elements by index or condition: take, take_along_axis, get_item, where, select,
// unravel_index. JAX's gathers (jnp.take, jnp.take_along_axis) wrap negative indices once and fill the positions of
// indices out of bounds: NaN for floats, True for bools, the dtype's smallest int (largest for unsigned ones).

import * as tf from '@tensorflow/tfjs';
import type { JsonValue } from '../../graph/ir.js';
import {
  anyTrue,
  axisOf,
  broadcastShape,
  clipInt,
  gatherRows,
  given,
  indexTensor,
  intOf,
  intRange,
  intsOf,
} from './arrangement-helpers.js';
import { truth, type Kernel, type KernelCall } from './kernel.js';

/** What JAX's gather fills an out-of-bounds position with, in the output's Keras dtype; undefined if int32 cannot hold it. */
function fillValue(kerasDtype: string): number | undefined {
  if (kerasDtype === 'bool') return 1;
  const range = intRange(kerasDtype);
  if (/^uint/.test(kerasDtype)) return range.max;
  if (/^int/.test(kerasDtype)) return range.min;
  return NaN;
}

/**
 * The indices made non-negative (−n ≤ i < 0 counts from the end) and clipped into [0, n), with the mask of those in
 * bounds; `fill` is what the out-of-bounds positions get.
 */
function boundIndices(call: KernelCall, indices: tf.Tensor, n: number): { safe: tf.Tensor; inBounds: tf.Tensor; fill: number } {
  const wrapped = tf.where(tf.less(indices, tf.scalar(0, 'int32')), tf.add(indices, tf.scalar(n, 'int32')), indices);
  const inBounds = tf.logicalAnd(tf.greaterEqual(wrapped, tf.scalar(0, 'int32')), tf.less(wrapped, tf.scalar(n, 'int32')));
  const dtype = call.call.outputs[0]!.dtype;
  const fill = fillValue(dtype);
  if (n === 0 && indices.size > 0) throw new Error(`${call.path}: indices into an axis of size 0 are not evaluated`);
  if (fill === undefined && anyTrue(tf.logicalNot(inBounds))) {
    throw new Error(`${call.path} with indices out of bounds is not evaluated: JAX fills them with a ${dtype} TensorFlow.js cannot hold`);
  }
  return { safe: clipInt(wrapped, 0, Math.max(n - 1, 0)), inBounds, fill: fill ?? 0 };
}

/** `gathered` where `inBounds` (broadcast to it), else `fill`; bools gathered as int32. */
function filled(gathered: tf.Tensor, inBounds: tf.Tensor, fill: number): tf.Tensor {
  return tf.where(tf.broadcastTo(inBounds, gathered.shape), gathered, tf.fill(gathered.shape, fill, gathered.dtype));
}

const numeric = (x: tf.Tensor): tf.Tensor => (x.dtype === 'bool' ? tf.cast(x, 'int32') : x);

/** jnp.take: x's elements at the indices along `axis` (of the flattened x for None). */
const take: Kernel = (call) => {
  let x = numeric(call.tensor('x'));
  if (call.value('axis') === null) x = tf.reshape(x, [-1]);
  const axis = call.value('axis') === null ? 0 : axisOf(call, intOf(call, 'axis'), x.rank);
  const indices = indexTensor(call, 'indices');
  const { safe, inBounds, fill } = boundIndices(call, indices, x.shape[axis]!);
  const gathered = tf.gather(x, safe, axis);
  const mask = tf.reshape(inBounds, [...Array<number>(axis).fill(1), ...indices.shape, ...Array<number>(x.rank - axis - 1).fill(1)]);
  return filled(gathered, mask, fill);
};

/** jnp.take_along_axis: x and the indices broadcast but along `axis`, then x's elements at them along it. */
const takeAlongAxis: Kernel = (call) => {
  let x = numeric(call.tensor('x'));
  let indices = indexTensor(call, 'indices');
  if (call.value('axis') === null) {
    x = tf.reshape(x, [-1]);
    if (indices.rank !== 1) throw new Error(`${call.path}: indices must be 1-D for axis None`);
  }
  if (indices.rank !== x.rank) throw new Error(`${call.path}: indices of rank ${indices.rank} for x of rank ${x.rank}`);
  const axis = call.value('axis') === null ? 0 : axisOf(call, intOf(call, 'axis'), x.rank);
  const n = x.shape[axis]!;
  const others = (s: number[]): number[] => s.filter((_, i) => i !== axis);
  const batch = broadcastShape(others(x.shape), others(indices.shape));
  const withAxis = (size: number): number[] => [...batch.slice(0, axis), size, ...batch.slice(axis)];
  x = tf.broadcastTo(x, withAxis(n));
  const m = indices.shape[axis]!;
  indices = tf.broadcastTo(indices, withAxis(m));
  const { safe, inBounds, fill } = boundIndices(call, indices, n);
  // The axis last, the other axes as one batch axis: a gather in each row.
  const perm = [...Array(x.rank).keys()].filter((a) => a !== axis).concat(axis);
  const inverse = perm.map((_, i) => perm.indexOf(i));
  const rows = batch.reduce((a, b) => a * b, 1);
  const flatX = tf.reshape(tf.transpose(x, perm), [rows, n]);
  const flatIndices = tf.reshape(tf.transpose(safe, perm), [rows, m]);
  const gathered = tf.transpose(tf.reshape(gatherRows(flatX, flatIndices), [...batch, m]), inverse);
  return filled(gathered, inBounds, fill);
};

/** `x[key]` for a key of ints, slices, None (a new axis) and one Ellipsis: one strided slice, Python's masks. */
const getItem: Kernel = (call) => {
  const x = call.tensor('x');
  const key = call.value('key');
  const items: JsonValue[] = Array.isArray(key) ? key : [key];
  const begin: number[] = [];
  const end: number[] = [];
  const strides: number[] = [];
  const masks = { begin: 0, end: 0, ellipsis: 0, newAxis: 0, shrink: 0 };
  items.forEach((item, i) => {
    const bit = 1 << i;
    const axis = (from: number, to: number, step: number): void => {
      begin.push(from);
      end.push(to);
      strides.push(step);
    };
    if (item === null) {
      masks.newAxis |= bit;
      axis(0, 0, 1);
    } else if (typeof item === 'number' && Number.isInteger(item)) {
      masks.shrink |= bit;
      // x[..., -1] ends past the last element: an end of 0 would select nothing.
      if (item === -1) masks.end |= bit;
      axis(item, item + 1, 1);
    } else if (typeof item === 'object' && !Array.isArray(item) && item['ellipsis'] === true) {
      masks.ellipsis |= bit;
      axis(0, 0, 1);
    } else if (typeof item === 'object' && !Array.isArray(item) && Array.isArray(item['slice'])) {
      const [start, stop, step] = item['slice'] as (number | null)[];
      if (step === 0) throw new Error(`${call.path}: slice step cannot be zero`);
      if (start === null || start === undefined) masks.begin |= bit;
      if (stop === null || stop === undefined) masks.end |= bit;
      axis(start ?? 0, stop ?? 0, step ?? 1);
    } else {
      throw new Error(`${call.path} with the key ${JSON.stringify(key)} is not evaluated`);
    }
  });
  const source = x.dtype === 'bool' ? tf.cast(x, 'int32') : x;
  return tf.stridedSlice(source, begin, end, strides, masks.begin, masks.end, masks.ellipsis, masks.newAxis, masks.shrink);
};

/** The operands broadcast to one shape. */
function broadcastAll(ts: tf.Tensor[]): tf.Tensor[] {
  const shape = broadcastShape(...ts.map((t) => t.shape));
  return ts.map((t) => (t.shape.join() === shape.join() ? t : tf.broadcastTo(t.dtype === 'bool' ? tf.cast(t, 'int32') : t, shape)));
}

/** jnp.where(condition, x1, x2); with the condition alone it is nonzero, whose size depends on the values. */
const where: Kernel = (call) => {
  if (call.value('x1') === null && call.value('x2') === null) {
    throw new Error(`${call.path} of a condition alone (the indices of its non-zero elements, as many as there are) is not evaluated`);
  }
  const dtype = call.outputDtype;
  const operands = [
    given(call, 'condition'),
    call.cast('x1', dtype === 'bool' ? 'int32' : dtype),
    call.cast('x2', dtype === 'bool' ? 'int32' : dtype),
  ];
  const [condition, x1, x2] = broadcastAll(operands);
  return tf.where(truth(condition!), x1!, x2!);
};

/** jnp.select: the choice of the first condition that holds, else the default; all broadcast together. */
const select: Kernel = (call) => {
  const dtype = call.outputDtype === 'bool' ? 'int32' : call.outputDtype;
  const conditions = call.tensors('condlist');
  const choices = call.tensors('choicelist').map((t) => (t.dtype === dtype ? t : tf.cast(t, dtype)));
  if (conditions.length !== choices.length) throw new Error(`${call.path}: condlist and choicelist must have the same length`);
  const fallback = call.cast('default', dtype);
  const all = broadcastAll([...conditions, ...choices, fallback]);
  const n = conditions.length;
  let out = all[2 * n]!;
  for (let i = n - 1; i >= 0; i--) out = tf.where(truth(all[i]!), all[n + i]!, out);
  return out;
};

/**
 * jnp.unravel_index: the index along each axis of `shape` (divmod from the last axis); an index past the end gives
 * the last index of every axis, one before −1 gives 0, as JAX clips them.
 */
const unravelIndex: Kernel = (call) => {
  let rest = call.tensor('indices');
  const float = rest.dtype === 'float32';
  const unsigned = /^uint/.test(call.call.outputs[0]?.dtype ?? '');
  const shape = intsOf(call, 'shape');
  const parts: tf.Tensor[] = [];
  for (let i = shape.length - 1; i >= 0; i--) {
    const s = tf.scalar(shape[i]!, rest.dtype);
    const mod = tf.mod(rest, s);
    parts[i] = mod;
    rest = float ? tf.round(tf.div(tf.sub(rest, mod), s)) : tf.floorDiv(rest, s);
  }
  const past = tf.greater(rest, tf.scalar(0, rest.dtype));
  const before = unsigned ? tf.zerosLike(past) : tf.less(rest, tf.scalar(-1, rest.dtype));
  return parts.map((part, i) => tf.where(past, tf.fill(part.shape, shape[i]! - 1, part.dtype), tf.where(before, tf.zerosLike(part), part)));
};

export const indexingKernels: Readonly<Record<string, Kernel>> = {
  'keras.ops.take': take,
  'keras.ops.get_item': getItem,
  'keras.ops.where': where,
  'keras.ops.unravel_index': unravelIndex,
  'keras.ops.take_along_axis': takeAlongAxis,
  'keras.ops.select': select,
};
