// Kernels of products (matmul, dot, einsum, tensordot, …), diagonals and triangles, and the *_like tensors, with
// jax.numpy's semantics (Keras's JAX backend calls it). Operands are cast to float32 for a float output, else to int32
// (a bool output is the non-zero of that); the contractions themselves are in products-contract.ts.

import * as tf from '@tensorflow/tfjs';
import type { JsonValue } from '../../graph/ir.js';
import { truth, type Kernel, type KernelCall } from './kernel.js';
import { broadcastShape, canonical, diagonal, einsum, matmul, moveAxis, tensordot } from './products-contract.js';
import { diagonalKernels, finish, workDtype } from './products-diagonals.js';

/** A kernel on `x1` and `x2` cast to the work dtype. */
function pair(fn: (a: tf.Tensor, b: tf.Tensor, call: KernelCall) => tf.Tensor): Kernel {
  return (call) => {
    const dtype = workDtype(call);
    return finish(call, fn(call.cast('x1', dtype), call.cast('x2', dtype), call));
  };
}

/** jnp.dot: a product with a scalar; else the last axis of a with the only (1-D) or second-to-last axis of b. */
const dot = pair((a, b, call) => {
  if (a.rank === 0 || b.rank === 0) return tf.mul(a, b);
  return tensordot(a, b, [-1], [b.rank === 1 ? 0 : -2], call.path);
});

/** `axes` of tensordot: an int N (the last N of x1 with the first N of x2), or a pair of ints or of lists of ints. */
function tensordotAxes(call: KernelCall, a: tf.Tensor, b: tf.Tensor): [number[], number[]] {
  const axes = call.value('axes');
  if (typeof axes === 'number') {
    if (!Number.isInteger(axes)) throw new Error(`${call.path}: \`axes\` ${axes} is not an int`);
    if (axes > a.rank || axes > b.rank) throw new Error(`${call.path}: \`axes\` ${axes} exceeds the rank of an operand`);
    // JAX's range(rank - axes, rank) and range(axes): none for axes <= 0, an outer product.
    const n = Math.max(0, axes);
    return [Array.from({ length: n }, (_, i) => a.rank - n + i), Array.from({ length: n }, (_, i) => i)];
  }
  const list = (v: JsonValue | undefined): number[] | undefined => {
    if (typeof v === 'number') return [v];
    if (Array.isArray(v) && v.every((x) => typeof x === 'number')) return v as number[];
    return undefined;
  };
  if (Array.isArray(axes) && axes.length === 2) {
    const [first, second] = [list(axes[0]), list(axes[1])];
    if (first && second && typeof axes[0] === typeof axes[1]) return [first, second];
  }
  throw new Error(`${call.path}: \`axes\` ${JSON.stringify(axes)} is neither an int nor a pair of ints or of lists of ints`);
}

/** jnp.kron: the operand of lower rank given leading axes of size 1, each axis of the result a_i·b_i long. */
const kron = pair((a, b) => {
  const rank = Math.max(a.rank, b.rank);
  const pad = (t: tf.Tensor): number[] => [...Array<number>(rank - t.rank).fill(1), ...t.shape];
  const [shapeA, shapeB] = [pad(a), pad(b)];
  const spreadA = tf.reshape(
    a,
    shapeA.flatMap((d) => [d, 1]),
  );
  const spreadB = tf.reshape(
    b,
    shapeB.flatMap((d) => [1, d]),
  );
  return tf.reshape(
    tf.mul(spreadA, spreadB),
    shapeA.map((d, i) => d * shapeB[i]!),
  );
});

/** jnp.cross: vectors of 2 or 3 along axisa / axisb (`axis` sets all three), the result's vectors along axisc. */
const cross = pair((a, b, call) => {
  const axis = call.value('axis');
  const [axisa, axisb, axisc] = axis !== null ? [axis, axis, axis] : [call.value('axisa'), call.value('axisb'), call.value('axisc')];
  if (![axisa, axisb, axisc].every((x) => typeof x === 'number')) throw new Error(`${call.path}: an axis is not an int`);
  const u = moveAxis(a, canonical(axisa as number, a.rank, call.path), a.rank - 1);
  const v = moveAxis(b, canonical(axisb as number, b.rank, call.path), b.rank - 1);
  const [n, m] = [u.shape.at(-1)!, v.shape.at(-1)!];
  if (![2, 3].includes(n) || ![2, 3].includes(m)) throw new Error(`${call.path}: the vectors must have 2 or 3 components`);
  const component = (t: tf.Tensor, i: number): tf.Tensor =>
    i < t.shape.at(-1)!
      ? tf.squeeze(tf.slice(t, [...t.shape.slice(0, -1).map(() => 0), i], [...t.shape.slice(0, -1), 1]), [t.rank - 1])
      : tf.zeros(t.shape.slice(0, -1), t.dtype);
  const [u0, u1, u2] = [0, 1, 2].map((i) => component(u, i)) as [tf.Tensor, tf.Tensor, tf.Tensor];
  const [v0, v1, v2] = [0, 1, 2].map((i) => component(v, i)) as [tf.Tensor, tf.Tensor, tf.Tensor];
  const z = tf.sub(tf.mul(u0, v1), tf.mul(u1, v0));
  if (n === 2 && m === 2) return z;
  const shape = broadcastShape(u.shape.slice(0, -1), v.shape.slice(0, -1), call.path);
  const parts = [tf.sub(tf.mul(u1, v2), tf.mul(u2, v1)), tf.sub(tf.mul(u2, v0), tf.mul(u0, v2)), z].map((p) => tf.broadcastTo(p, shape));
  const c = tf.stack(parts, 0);
  return moveAxis(c, 0, canonical(axisc as number, c.rank, call.path));
});

/** jnp.correlate: c[k] = Σ x1[n + k]·x2[n], the longer operand padded as `mode` says (the shorter slides over it). */
const correlate: Kernel = (call) => {
  let x = call.cast('x1', 'float32');
  let y = call.cast('x2', 'float32');
  if (x.rank !== 1 || y.rank !== 1) throw new Error(`${call.path}: the operands must be 1-D`);
  if (x.shape[0] === 0 || y.shape[0] === 0) throw new Error(`${call.path}: an operand is empty`);
  const swapped = x.shape[0]! < y.shape[0]!;
  if (swapped) [x, y] = [y, x];
  const m = y.shape[0]!;
  const mode = call.value('mode');
  const padding: Record<string, [number, number]> = {
    valid: [0, 0],
    same: [Math.floor(m / 2), m - Math.floor(m / 2) - 1],
    full: [m - 1, m - 1],
  };
  const pads = typeof mode === 'string' ? padding[mode] : undefined;
  if (!pads) throw new Error(`${call.path}: \`mode\` ${JSON.stringify(mode)} is not valid, same or full`);
  const input = tf.reshape(tf.pad(x, [pads]), [1, -1, 1]) as tf.Tensor3D;
  const out = tf.reshape(tf.conv1d(input, tf.reshape(y, [m, 1, 1]) as tf.Tensor3D, 1, 'valid'), [-1]);
  return swapped ? tf.reverse(out, 0) : out;
};

/** jnp.corrcoef of a 1-D or 2-D x (a row a variable): the covariance normalised by the deviations, clipped to [-1, 1]. */
const corrcoef: Kernel = (call) => {
  const x = call.cast('x', 'float32');
  if (x.rank > 2) throw new Error(`${call.path}: \`x\` has more than 2 dimensions`);
  const rows = x.rank === 2 ? x : tf.reshape(x, [1, -1]);
  const [variables, observations] = rows.shape as [number, number];
  if (variables === 0 || observations === 0) throw new Error(`${call.path} of an empty tensor is not evaluated`);
  const centred = tf.sub(rows, tf.mean(rows, 1, true));
  const cov = tf.div(tf.matMul(centred, centred, false, true), observations - 1);
  if (variables === 1) {
    const c = tf.reshape(cov, []);
    return tf.div(c, c);
  }
  const deviation = tf.sqrt(diagonal(cov, 0, 0, 1));
  const c = tf.div(tf.div(cov, tf.reshape(deviation, [-1, 1])), tf.reshape(deviation, [1, -1]));
  return tf.clipByValue(c, -1, 1);
};

/** The shape of x: a tensor's, a Python number's (scalar), or a nested list's. */
function likeShape(call: KernelCall): number[] {
  const value = call.value('x');
  if (Array.isArray(value)) {
    const shape: number[] = [];
    let level: JsonValue = value;
    while (Array.isArray(level)) {
      shape.push(level.length);
      level = level[0] ?? null;
    }
    return shape;
  }
  return [...call.tensor('x').shape];
}

/** A tensor of x's shape filled with `value` (broadcast to it), in the output's dtype. */
function filled(call: KernelCall, value: tf.Tensor): tf.Tensor {
  const dtype = call.outputDtype;
  const cast = dtype === 'bool' ? truth(value) : dtype === value.dtype ? value : tf.cast(value, dtype);
  return tf.broadcastTo(cast, likeShape(call));
}

const like =
  (fill: number): Kernel =>
  (call) =>
    filled(call, tf.scalar(fill, 'float32'));

export const productKernels: Readonly<Record<string, Kernel>> = {
  'keras.ops.matmul': pair((a, b, call) => matmul(a, b, call.path)),
  'keras.ops.dot': dot,
  'keras.ops.tensordot': pair((a, b, call) => {
    const [axesA, axesB] = tensordotAxes(call, a, b);
    return tensordot(a, b, axesA, axesB, call.path);
  }),
  'keras.ops.einsum': (call) => {
    const subscripts = call.value('subscripts');
    if (typeof subscripts !== 'string') throw new Error(`${call.path} without a subscripts string is not evaluated`);
    const given = call.value('operands');
    if (
      Array.isArray(given) &&
      given.some((v) => v !== null && typeof v === 'object' && !Array.isArray(v) && (v['tensor'] as number) < 0)
    ) {
      // The call's encoding lost a Python number among the operands (it refers to no input of the layer).
      throw new Error(`${call.path} with a Python number among its operands is not evaluated: the number is not passed on`);
    }
    const dtype = workDtype(call);
    const operands = call.tensors('operands').map((t) => (t.dtype === dtype ? t : tf.cast(t, dtype)));
    return finish(call, einsum(subscripts, operands, call.path));
  },
  'keras.ops.inner': pair((a, b, call) => (a.rank === 0 || b.rank === 0 ? tf.mul(a, b) : tensordot(a, b, [-1], [-1], call.path))),
  'keras.ops.outer': pair((a, b) => tf.mul(tf.reshape(a, [-1, 1]), tf.reshape(b, [1, -1]))),
  'keras.ops.vdot': pair((a, b, call) => tensordot(tf.reshape(a, [-1]), tf.reshape(b, [-1]), [0], [0], call.path)),
  'keras.ops.kron': kron,
  'keras.ops.cross': cross,
  'keras.ops.correlate': correlate,
  'keras.ops.corrcoef': corrcoef,
  ...diagonalKernels,
  'keras.ops.full_like': (call) => {
    const value = call.value('fill_value');
    // A Python float is cast (truncated, for an int output) from float32; an int or a tensor as it is.
    const fill =
      typeof value === 'number' && !Number.isInteger(value)
        ? tf.scalar(value, 'float32')
        : call.tensor('fill_value', call.outputDtype === 'bool' ? 'int32' : call.outputDtype);
    return filled(call, fill);
  },
  'keras.ops.ones_like': like(1),
  'keras.ops.zeros_like': like(0),
  // jnp.empty_like is zeros_like: XLA has no uninitialised buffers.
  'keras.ops.empty_like': like(0),
};
