// Kernels of the keras.ops on diagonals and triangles: trace, diag, diagflat, diagonal, tril, triu, and vander
// (jax.numpy's, which Keras's JAX backend calls).

import * as tf from '@tensorflow/tfjs';
import { truth, type Kernel, type KernelCall, type TfDtype } from './kernel.js';
import { canonical, diagonal } from './products-contract.js';

/** The dtype the values are worked out in: float32 for a float output, else int32 (a bool output is made at the end). */
export function workDtype(call: KernelCall): TfDtype {
  return call.outputDtype === 'float32' ? 'float32' : 'int32';
}

/** The result in the output's dtype: a bool output is true where the value is non-zero. */
export function finish(call: KernelCall, t: tf.Tensor): tf.Tensor {
  return call.outputDtype === 'bool' ? truth(t) : t;
}

function int(call: KernelCall, name: string): number {
  const value = call.number(name);
  if (!Number.isInteger(value)) throw new Error(`${call.path}: \`${name}\` is not an int`);
  return value;
}

/** The two distinct axes `axis1`, `axis2` of a rank-`rank` tensor. */
function axisPair(call: KernelCall, rank: number): [number, number] {
  const p = canonical(int(call, 'axis1'), rank, call.path);
  const q = canonical(int(call, 'axis2'), rank, call.path);
  if (p === q) throw new Error(`${call.path}: \`axis1\` and \`axis2\` are the same axis`);
  return [p, q];
}

/** A vector v of length n as the n+|k| square matrix with v on its k-th diagonal. */
function diagonalMatrix(v: tf.Tensor, k: number): tf.Tensor {
  const n = v.shape[0]!;
  const size = n + Math.abs(k);
  if (n === 0) return tf.zeros([size, size], v.dtype);
  // [v | 0 … 0] flattened, cut to n·n and reshaped puts v[i] at (i, i) and zeros elsewhere.
  const spread = tf.concat([tf.reshape(v, [n, 1]), tf.zeros([n, n], v.dtype)], 1);
  const square = tf.reshape(tf.slice(tf.reshape(spread, [-1]), 0, n * n), [n, n]);
  return tf.pad(
    square,
    k >= 0
      ? [
          [0, k],
          [k, 0],
        ]
      : [
          [-k, 0],
          [0, -k],
        ],
  );
}

/** A matrix-making op on x in the work dtype, its result in the output's. */
function worked(fn: (x: tf.Tensor, call: KernelCall) => tf.Tensor): Kernel {
  return (call) => finish(call, fn(call.cast('x', workDtype(call)), call));
}

const diag = worked((x, call) => {
  const k = int(call, 'k');
  if (x.rank === 1) return diagonalMatrix(x, k);
  if (x.rank === 2) return diagonal(x, k, 0, 1);
  throw new Error(`${call.path}: \`x\` must be 1-D or 2-D`);
});

/** tril (lower: keep column - row <= k) or triu (upper: keep column - row >= k) on the last two axes. */
function triangle(lower: boolean): Kernel {
  return worked((x, call) => {
    if (x.rank < 2) throw new Error(`${call.path} of a tensor of rank ${x.rank} is refused by JAX (it needs 2 axes or more)`);
    const k = int(call, 'k');
    const [rows, columns] = x.shape.slice(-2) as [number, number];
    const offsets = tf.sub(
      tf.reshape(tf.range(0, columns, 1, 'int32'), [1, columns]),
      tf.reshape(tf.range(0, rows, 1, 'int32'), [rows, 1]),
    );
    const keep = lower ? tf.lessEqual(offsets, k) : tf.greaterEqual(offsets, k);
    return tf.where(tf.broadcastTo(keep, x.shape), x, tf.zerosLike(x));
  });
}

const vander: Kernel = (call) => {
  const dtype = workDtype(call);
  const x = call.cast('x', dtype);
  if (x.rank !== 1) throw new Error(`${call.path}: \`x\` must be 1-D`);
  const given = call.value('N');
  const n = given === null ? x.shape[0]! : int(call, 'N');
  const powers = Array.from({ length: n }, (_, j) => (call.value('increasing') === true ? j : n - 1 - j));
  const exponents = tf.tensor2d(powers, [1, n], dtype);
  return finish(call, tf.pow(tf.reshape(x, [-1, 1]), exponents));
};

export const diagonalKernels: Readonly<Record<string, Kernel>> = {
  'keras.ops.trace': (call) => {
    const dtype = workDtype(call);
    const x = call.cast('x', dtype);
    const [p, q] = axisPair(call, x.rank);
    return finish(call, tf.sum(diagonal(x, int(call, 'offset'), p, q), -1));
  },
  'keras.ops.diagonal': worked((x, call) => {
    const [p, q] = axisPair(call, x.rank);
    return diagonal(x, int(call, 'offset'), p, q);
  }),
  'keras.ops.diag': diag,
  'keras.ops.diagflat': worked((x, call) => diagonalMatrix(tf.reshape(x, [-1]), int(call, 'k'))),
  'keras.ops.tril': triangle(true),
  'keras.ops.triu': triangle(false),
  'keras.ops.vander': vander,
};
