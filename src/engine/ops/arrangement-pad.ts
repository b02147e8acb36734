// keras.ops.pad as jnp.pad computes it: `constant` (constant_values, 0 by default, in x's dtype), and the modes that
// copy elements of x (`edge`, `reflect`, `symmetric`, `wrap`), each a gather of the source index of every position.

import * as tf from '@tensorflow/tfjs';
import type { JsonValue } from '../../graph/ir.js';
import type { Kernel, KernelCall } from './kernel.js';

const isInt = (v: JsonValue): v is number => typeof v === 'number' && Number.isInteger(v);

/** Keras's `Pad._process_pad_width`, then one (before, after) pair per axis of a rank-`rank` tensor. */
function padWidths(call: KernelCall, rank: number): [number, number][] {
  const value = call.value('pad_width');
  const refuse = (): Error => new Error(`${call.path} with pad_width=${JSON.stringify(value)} is not evaluated`);
  let pairs: [number, number][];
  if (isInt(value)) pairs = [[value, value]];
  else if (Array.isArray(value) && value.length > 0 && isInt(value[0]!)) {
    if (!value.every(isInt) || value.length > 2) throw refuse();
    pairs = [[value[0]!, value[1] ?? value[0]!]];
  } else if (Array.isArray(value) && value.length > 0) {
    pairs = value.map((pair) => {
      if (!Array.isArray(pair) || !pair.every(isInt) || pair.length < 1 || pair.length > 2) throw refuse();
      return [pair[0]!, pair[1] ?? pair[0]!];
    });
  } else throw refuse();
  if (pairs.some(([a, b]) => a < 0 || b < 0)) throw refuse();
  if (pairs.length === 1) return Array.from({ length: rank }, () => pairs[0]!);
  if (pairs.length !== rank) throw new Error(`${call.path}: ${pairs.length} pad widths for a tensor of rank ${rank}`);
  return pairs;
}

/** The source index of position i (from −before) of an axis of size n, for each mode that copies elements. */
const sources: Readonly<Record<string, (i: number, n: number) => number>> = {
  edge: (i, n) => Math.min(Math.max(i, 0), n - 1),
  wrap: (i, n) => ((i % n) + n) % n,
  reflect: (i, n) => {
    if (n === 1) return 0;
    const period = 2 * (n - 1);
    const m = ((i % period) + period) % period;
    return m >= n ? period - m : m;
  },
  symmetric: (i, n) => {
    const period = 2 * n;
    const m = ((i % period) + period) % period;
    return m >= n ? period - 1 - m : m;
  },
};

/** constant_values (a number or a scalar tensor) in x's dtype: jnp casts a float to an int by truncation. */
function constantPad(call: KernelCall, x: tf.Tensor, widths: [number, number][]): tf.Tensor {
  const value = call.value('constant_values');
  const work = x.dtype === 'bool' ? tf.cast(x, 'int32') : x;
  if (value === null || typeof value === 'number' || typeof value === 'boolean') {
    const n = value === null ? 0 : Number(value);
    const padded = tf.pad(work, widths, work.dtype === 'int32' ? Math.trunc(n) : n);
    return x.dtype === 'bool' ? tf.cast(padded, 'bool') : padded;
  }
  let c = call.tensor('constant_values');
  if (c.size !== 1) throw new Error(`${call.path} with constant_values of shape (${c.shape.join(', ')}) is not evaluated`);
  c = tf.reshape(c, []);
  if (work.dtype === 'int32' && c.dtype === 'float32') c = tf.mul(tf.sign(c), tf.floor(tf.abs(c)));
  const inside = tf.pad(tf.onesLike(work), widths, 0);
  const out = tf.where(tf.cast(inside, 'bool'), tf.pad(work, widths, 0), tf.broadcastTo(tf.cast(c, work.dtype), inside.shape));
  return x.dtype === 'bool' ? tf.cast(out, 'bool') : out;
}

const pad: Kernel = (call) => {
  const x = call.tensor('x');
  const widths = padWidths(call, x.rank);
  const mode = call.value('mode');
  if (mode === 'constant') return constantPad(call, x, widths);
  if (call.value('constant_values') !== null) throw new Error(`${call.path}: constant_values is only for mode 'constant'`);
  const source = typeof mode === 'string' ? sources[mode] : undefined;
  if (!source) throw new Error(`${call.path} with mode=${JSON.stringify(mode)} is not evaluated`);
  let out = x.dtype === 'bool' ? tf.cast(x, 'int32') : x;
  widths.forEach(([before, after], axis) => {
    if (before === 0 && after === 0) return;
    const n = x.shape[axis]!;
    if (n === 0) throw new Error(`${call.path}: an axis of size 0 cannot be padded in mode '${mode}'`);
    const indices = Array.from({ length: n + before + after }, (_, i) => source(i - before, n));
    out = tf.gather(out, tf.tensor1d(indices, 'int32'), axis);
  });
  return x.dtype === 'bool' ? tf.cast(out, 'bool') : out;
};

export const padKernels: Readonly<Record<string, Kernel>> = { 'keras.ops.pad': pad };
