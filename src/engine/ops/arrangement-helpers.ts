// What the kernels of arrangement.ts share: int arguments, axes counted from the start, index tensors, and moving
// an axis last and back.

import * as tf from '@tensorflow/tfjs';
import type { JsonValue } from '../../graph/ir.js';
import type { KernelCall } from './kernel.js';

const isInt = (v: JsonValue): v is number => typeof v === 'number' && Number.isInteger(v);

/** An int argument. */
export function intOf(call: KernelCall, name: string): number {
  const value = call.value(name);
  if (!isInt(value)) throw new Error(`${call.path} with \`${name}\`=${JSON.stringify(value)} (not an int) is not evaluated`);
  return value;
}

/** An int or a list of ints, as a list. */
export function intsOf(call: KernelCall, name: string): number[] {
  const value = call.value(name);
  const list = Array.isArray(value) ? value : [value];
  if (!list.every(isInt)) throw new Error(`${call.path} with \`${name}\`=${JSON.stringify(value)} (not ints) is not evaluated`);
  return list;
}

/** An axis of a rank-`rank` tensor counted from the start; out of range, an error. */
export function axisOf(call: KernelCall, axis: number, rank: number): number {
  if (axis < -rank || axis >= rank) throw new Error(`${call.path}: axis ${axis} is out of bounds for a tensor of rank ${rank}`);
  return axis < 0 ? axis + rank : axis;
}

/** The tensor argument `name` as given (a Python bool or number as a scalar of its own kind). */
export function given(call: KernelCall, name: string): tf.Tensor {
  const value = call.value(name);
  if (typeof value === 'number') return tf.scalar(value, Number.isInteger(value) ? 'int32' : 'float32');
  return call.tensor(name);
}

/** Indices given as a tensor, a Python int or a (nested) list of ints, as int32. */
export function indexTensor(call: KernelCall, name: string): tf.Tensor {
  const value = call.value(name);
  if (isInt(value)) return tf.scalar(value, 'int32');
  if (Array.isArray(value)) {
    const flat = (value as JsonValue[]).flat(Infinity as 1) as JsonValue[];
    if (!flat.every(isInt)) throw new Error(`${call.path}: \`${name}\` is not a list of ints`);
    return tf.tensor(value as number[], undefined, 'int32');
  }
  const t = call.tensor(name);
  if (t.dtype !== 'int32') throw new Error(`${call.path}: \`${name}\` of dtype ${t.dtype} (not integers) is not evaluated`);
  return t;
}

/** The permutation moving `axis` last. */
function lastPermutation(rank: number, axis: number): number[] {
  return [...Array(rank).keys()].filter((a) => a !== axis).concat(axis);
}

/** `fn` applied with `axis` moved last, its result's last axis moved back to `axis`. */
export function alongLast(x: tf.Tensor, axis: number, fn: (x: tf.Tensor) => tf.Tensor): tf.Tensor {
  if (axis === x.rank - 1) return fn(x);
  const perm = lastPermutation(x.rank, axis);
  const inverse = perm.map((_, i) => perm.indexOf(i));
  return tf.transpose(fn(tf.transpose(x, perm)), inverse);
}

/** The broadcast of shapes, NumPy's rule. */
export function broadcastShape(...shapes: readonly (readonly number[])[]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  return Array.from({ length: rank }, (_, i) => {
    const sizes = shapes.map((s) => s[s.length - rank + i] ?? 1);
    const other = sizes.filter((d) => d !== 1);
    if (other.some((d) => d !== other[0])) throw new Error(`shapes ${shapes.map((s) => `(${s.join(', ')})`).join(', ')} do not broadcast`);
    return other[0] ?? 1;
  });
}

/** The largest int the Keras dtype holds, the smallest, or undefined where TensorFlow.js's int32 cannot hold it. */
export function intRange(kerasDtype: string): { min?: number; max?: number } {
  const ranges: Readonly<Record<string, { min?: number; max?: number }>> = {
    int8: { min: -128, max: 127 },
    int16: { min: -32768, max: 32767 },
    int32: { min: -(2 ** 31), max: 2 ** 31 - 1 },
    int64: {},
    uint8: { min: 0, max: 255 },
    uint16: { min: 0, max: 65535 },
    uint32: { min: 0 },
    uint64: { min: 0 },
  };
  return ranges[kerasDtype] ?? {};
}

/** Whether any element of a bool tensor is true (read back: for refusing what is not evaluated). */
export function anyTrue(t: tf.Tensor): boolean {
  return t.size > 0 && tf.any(t).dataSync()[0] !== 0;
}

/**
 * Row r of x ([rows, n]) at row r of the indices ([rows, m], each in [0, n)): one gather of the flattened x (the
 * wasm backend's gather with batch dimensions gathers wrong rows).
 */
export function gatherRows(x: tf.Tensor, indices: tf.Tensor): tf.Tensor {
  const [rows, n] = x.shape as [number, number];
  const m = indices.shape[1]!;
  const offsets = tf.reshape(tf.mul(tf.range(0, rows, 1, 'int32'), tf.scalar(n, 'int32')), [rows, 1]);
  return tf.reshape(tf.gather(tf.reshape(x, [-1]), tf.reshape(tf.add(indices, offsets), [-1])), [rows, m]);
}

/** An int32 tensor clipped into [low, high] (the wasm backend's clipByValue leaves int32 values above `high`). */
export function clipInt(t: tf.Tensor, low: number, high: number): tf.Tensor {
  return tf.minimum(tf.maximum(t, tf.scalar(low, 'int32')), tf.scalar(high, 'int32'));
}
