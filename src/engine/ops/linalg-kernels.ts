// Kernels of keras.ops linalg (keras/src/ops/linalg.py, JAX backend): det, inv, solve, solve_triangular, lu_factor
// with the float32 LU and triangular solves of linalg-openblas.ts (JAX's LAPACK and BLAS, replayed); norm for every
// `ord`, and matrix_rank, from singular values computed in double precision.

import * as tf from '@tensorflow/tfjs';
import { singularValues } from './linalg-jacobi.js';
import type { JsonValue } from '../../graph/ir.js';
import type { Kernel, KernelCall } from './kernel.js';
import { fma32, getrf, luSolve, trsm, view } from './linalg-openblas.js';

const f32 = Math.fround;

/** A stack of matrices: the batch shape and each m×n matrix as its own float32 array. */
interface Matrices {
  readonly batch: number[];
  readonly rows: number;
  readonly cols: number;
  readonly items: Float32Array[];
}

export function matrices(t: tf.Tensor, path: string): Matrices {
  if (t.rank < 2) throw new Error(`${path} of a tensor of rank ${t.rank} is not evaluated: Keras expects rank >= 2`);
  const rows = t.shape[t.rank - 2]!;
  const cols = t.shape[t.rank - 1]!;
  const data = (t.dtype === 'float32' ? t : tf.cast(t, 'float32')).dataSync() as Float32Array;
  const count = rows * cols === 0 ? 0 : data.length / (rows * cols);
  const items = Array.from({ length: count }, (_, i) => data.slice(i * rows * cols, (i + 1) * rows * cols));
  return { batch: t.shape.slice(0, -2), rows, cols, items };
}

export function stacked(items: readonly ArrayLike<number>[], shape: readonly number[]): tf.Tensor {
  const size = items.reduce((n, item) => n + item.length, 0);
  const data = new Float32Array(size);
  let offset = 0;
  for (const item of items) {
    data.set(item, offset);
    offset += item.length;
  }
  return tf.tensor(data, [...shape], 'float32');
}

function square(x: Matrices, path: string): void {
  if (x.rows !== x.cols)
    throw new Error(`${path} of a non-square matrix (${x.rows}x${x.cols}) is not evaluated: Keras expects a square one`);
}

// ---- det ---------------------------------------------------------------------------------------------------------------

/** jnp.linalg.det: closed forms (fused as XLA fuses them) for 2x2 and 3x3, sign · exp(log|det|) of the LU otherwise. */
function determinant(a: Float32Array, n: number): number {
  if (n === 2) return fma32(a[0]!, a[3]!, -f32(a[1]! * a[2]!));
  if (n === 3) {
    const e = (i: number, j: number) => a[i * 3 + j]!;
    const product = (i: number, j: number, k: number, l: number) => f32(e(i, j) * e(k, l));
    let s = fma32(product(0, 0, 1, 1), e(2, 2), f32(product(0, 1, 1, 2) * e(2, 0)));
    s = fma32(product(0, 2, 1, 0), e(2, 1), s);
    s = fma32(-product(0, 2, 1, 1), e(2, 0), s);
    s = fma32(-product(0, 0, 1, 2), e(2, 1), s);
    return fma32(-product(0, 1, 1, 0), e(2, 2), s);
  }
  const lu = a.slice();
  const ipiv = getrf(view(lu, n, n));
  let parity = 0;
  let logAbs = 0;
  for (let i = 0; i < n; i++) {
    const d = lu[i * n + i]!;
    if (d === 0) return 0;
    if (ipiv[i] !== i) parity++;
    if (d < 0) parity++;
    logAbs += Math.log(Math.abs(d));
  }
  return (parity % 2 === 0 ? 1 : -1) * Math.exp(logAbs);
}

const det: Kernel = (call) => {
  const x = matrices(call.tensor('x', 'float32'), call.path);
  square(x, call.path);
  return tf.tensor(
    x.items.map((a) => determinant(a, x.rows)),
    x.batch,
    'float32',
  );
};

/**
 * jnp.linalg.slogdet of one matrix: the sign and log|det| of the LU, in float32. Keras's symbolic call gives sign the
 * shape () for a stack of matrices too, so a stack is not evaluated (its values would not have Keras's shapes).
 */
const slogdet: Kernel = (call) => {
  const given = call.tensor('x', 'float32');
  if (given.rank !== 2) {
    throw new Error(
      `${call.path} of a tensor of rank ${given.rank} is not evaluated: Keras's symbolic call gives its sign the shape (), not one a matrix`,
    );
  }
  if (!call.call.outputs.every((o) => o.dtype.startsWith('float'))) {
    throw new Error(
      `${call.path} of ${call.call.outputs[0]!.dtype} is not evaluated: Keras says ${call.call.outputs[0]!.dtype}, the backend computes float32`,
    );
  }
  const x = matrices(given, call.path);
  square(x, call.path);
  const n = x.rows;
  const lu = x.items[0]!.slice();
  const ipiv = getrf(view(lu, n, n));
  let negative = 0;
  let logAbs = 0;
  let zero = false;
  for (let i = 0; i < n; i++) {
    const d = lu[i * n + i]!;
    if (d === 0) zero = true;
    if (ipiv[i] !== i) negative++;
    if (d < 0) negative++;
    logAbs = f32(logAbs + f32(Math.log(Math.abs(d))));
  }
  const sign = zero ? 0 : negative % 2 === 0 ? 1 : -1;
  return [tf.scalar(sign, 'float32'), tf.scalar(zero ? -Infinity : logAbs, 'float32')];
};

// ---- inv, solve, solve_triangular, lu_factor -------------------------------------------------------------------------

/** A⁻¹·B of one n×n A and n×k B (B overwritten), as jnp.linalg.solve computes it. */
function solveOne(a: Float32Array, b: Float32Array, n: number, k: number): Float32Array {
  const lu = a.slice();
  const ipiv = getrf(view(lu, n, n));
  luSolve(view(lu, n, n), ipiv, view(b, n, k));
  return b;
}

const inv: Kernel = (call) => {
  const x = matrices(call.tensor('x', 'float32'), call.path);
  square(x, call.path);
  const n = x.rows;
  const eye = () => {
    const e = new Float32Array(n * n);
    for (let i = 0; i < n; i++) e[i * n + i] = 1;
    return e;
  };
  return stacked(
    x.items.map((a) => solveOne(a, eye(), n, n)),
    [...x.batch, n, n],
  );
};

/** a and b broadcast over their batch axes (a: (..., n, n); b: (..., n, k)). */
function broadcastBatch(a: tf.Tensor, b: tf.Tensor, path: string): [tf.Tensor, tf.Tensor] {
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  let batch: number[];
  try {
    batch = tf.broadcast_util.assertAndGetBroadcastShape(batchA, batchB);
  } catch {
    throw new Error(`${path}: the batch axes of a ${JSON.stringify(a.shape)} and b ${JSON.stringify(b.shape)} do not broadcast`);
  }
  return [tf.broadcastTo(a, [...batch, ...a.shape.slice(-2)]), tf.broadcastTo(b, [...batch, ...b.shape.slice(-2)])];
}

const solve: Kernel = (call) => {
  const a = call.tensor('a', 'float32');
  let b = call.tensor('b', 'float32');
  if (a.rank < 2) throw new Error(`${call.path} with \`a\` of rank ${a.rank} is not evaluated: Keras expects rank >= 2`);
  const vector = b.rank === 1;
  if (b.rank !== a.rank && !vector) {
    throw new Error(
      `${call.path} of a ${JSON.stringify(a.shape)} and b ${JSON.stringify(b.shape)} is not evaluated: JAX raises ` +
        '(b must be a vector or have the rank of a; use solve(a, b[..., None])[..., 0] for batched vectors)',
    );
  }
  if (vector) b = tf.expandDims(b, 1);
  const [ab, bb] = vector ? [a, tf.broadcastTo(b, [...a.shape.slice(0, -2), ...b.shape])] : broadcastBatch(a, b, call.path);
  const A = matrices(ab, call.path);
  const B = matrices(bb, call.path);
  square(A, call.path);
  if (B.rows !== A.rows) throw new Error(`${call.path}: a ${JSON.stringify(a.shape)} and b ${JSON.stringify(b.shape)} do not match`);
  const out = stacked(
    A.items.map((m, i) => solveOne(m, B.items[i]!, A.rows, B.cols)),
    [...A.batch, B.rows, B.cols],
  );
  return vector ? tf.squeeze(out, [out.rank - 1]) : out;
};

const solveTriangular: Kernel = (call) => {
  const a = call.tensor('a', 'float32');
  let b = call.tensor('b', 'float32');
  const lower = call.value('lower') === true;
  if (a.rank < 2) throw new Error(`${call.path} with \`a\` of rank ${a.rank} is not evaluated: Keras expects rank >= 2`);
  // jax.scipy.linalg.solve_triangular: b of rank 1, or of the rank of a less one with a's last size, is a vector.
  const vector = b.rank === 1 || (b.rank === a.rank - 1 && b.shape[b.rank - 1] === a.shape[a.rank - 1]);
  if (vector) b = tf.expandDims(b, -1);
  const [ab, bb] = broadcastBatch(a, b, call.path);
  const A = matrices(ab, call.path);
  const B = matrices(bb, call.path);
  square(A, call.path);
  if (B.rows !== A.rows) throw new Error(`${call.path}: a ${JSON.stringify(a.shape)} and b ${JSON.stringify(b.shape)} do not match`);
  const out = stacked(
    A.items.map((m, i) => {
      const x = B.items[i]!;
      trsm(view(m, A.rows, A.rows), view(x, B.rows, B.cols), lower, false);
      return x;
    }),
    [...A.batch, B.rows, B.cols],
  );
  return vector ? tf.squeeze(out, [out.rank - 1]) : out;
};

const luFactor: Kernel = (call) => {
  const x = matrices(call.tensor('x', 'float32'), call.path);
  const k = Math.min(x.rows, x.cols);
  const pivots: number[] = [];
  const lus = x.items.map((a) => {
    const lu = a.slice();
    pivots.push(...getrf(view(lu, x.rows, x.cols)));
    return lu;
  });
  return [stacked(lus, [...x.batch, x.rows, x.cols]), tf.tensor(pivots, [...x.batch, k], 'int32')];
};

// ---- singular values (double precision, one-sided Jacobi) ----------------------------------------------------------

function singularValuesOf(x: Matrices): number[][] {
  return x.items.map((a) =>
    a.some((v) => !Number.isFinite(v)) ? Array<number>(Math.min(x.rows, x.cols)).fill(NaN) : singularValues(a, x.rows, x.cols),
  );
}

const eps32 = 1.1920928955078125e-7;

const matrixRank: Kernel = (call) => {
  const x = matrices(call.tensor('x', 'float32'), call.path);
  const tol = call.value('tol');
  if (tol !== null && typeof tol !== 'number') throw new Error(`${call.path} with a tensor \`tol\` is not evaluated`);
  const ranks = singularValuesOf(x).map((s) => {
    const smax = s.length === 0 ? 0 : s[0]!;
    const threshold = tol ?? f32(f32(smax * Math.max(x.rows, x.cols)) * eps32);
    return s.filter((v) => v > threshold).length;
  });
  return tf.tensor(ranks, x.batch, 'int32');
};

// ---- norm ------------------------------------------------------------------------------------------------------------

/** `ord` as a number or a string; ±inf arrive as Infinity or as {float: 'inf'} (JSON has no infinities). */
function ordOf(value: JsonValue, path: string): number | string | null {
  if (value === null || typeof value === 'number' || typeof value === 'string') return value;
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'object' && !Array.isArray(value) && typeof value['float'] === 'string') {
    const text = value['float'];
    if (text === 'inf') return Infinity;
    if (text === '-inf') return -Infinity;
  }
  throw new Error(`${path} with ord=${JSON.stringify(value)} is not evaluated`);
}

function normAxes(call: KernelCall, rank: number): number[] | null {
  const axis = call.value('axis');
  if (axis === null) return null;
  const list = Array.isArray(axis) ? axis : [axis];
  if (!list.every((a) => typeof a === 'number'))
    throw new Error(`${call.path}: \`axis\` ${JSON.stringify(axis)} is not an int or a tuple of ints`);
  return (list as number[]).map((a) => (a < 0 ? a + rank : a));
}

function vectorNorm(x: tf.Tensor, ord: number, axis: number[], keepdims: boolean): tf.Tensor {
  if (ord === 2) return tf.sqrt(tf.sum(tf.mul(x, x), axis, keepdims));
  if (ord === Infinity) return tf.max(tf.abs(x), axis, keepdims);
  if (ord === -Infinity) return tf.min(tf.abs(x), axis, keepdims);
  if (ord === 0) return tf.sum(tf.cast(tf.notEqual(x, 0), 'float32'), axis, keepdims);
  if (ord === 1) return tf.sum(tf.abs(x), axis, keepdims);
  return tf.pow(tf.sum(tf.pow(tf.abs(x), f32(ord)), axis, keepdims), f32(1 / f32(ord)));
}

/** ord 2, -2 or 'nuc' of the matrices spanning `axes`: from their singular values. */
function spectralNorm(x: tf.Tensor, ord: number | string, axes: [number, number], keepdims: boolean, path: string): tf.Tensor {
  const rest = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const moved = tf.transpose(x, [...rest, ...axes]);
  const m = matrices(moved, path);
  const values = singularValuesOf(m).map((s) => {
    if (ord === 2) return s.length === 0 ? 0 : s[0]!;
    if (ord === -2) return s.length === 0 ? Infinity : s[s.length - 1]!;
    return s.reduce((a, b) => a + b, 0);
  });
  const y = tf.tensor(values, m.batch, 'float32');
  if (!keepdims) return y;
  const shape = x.shape.map((d, i) => (axes.includes(i) ? 1 : d));
  return tf.reshape(y, shape);
}

function matrixNorm(x: tf.Tensor, ord: number | string | null, axes: [number, number], keepdims: boolean, path: string): tf.Tensor {
  let [row, col] = axes;
  if (ord === null || ord === 'fro' || ord === 'f') return tf.sqrt(tf.sum(tf.mul(x, x), axes, keepdims));
  if (ord === 1 || ord === -1) {
    if (!keepdims && col > row) col -= 1;
    const sums = tf.sum(tf.abs(x), row, keepdims);
    return ord === 1 ? tf.max(sums, col, keepdims) : tf.min(sums, col, keepdims);
  }
  if (ord === Infinity || ord === -Infinity) {
    if (!keepdims && row > col) row -= 1;
    const sums = tf.sum(tf.abs(x), col, keepdims);
    return ord === Infinity ? tf.max(sums, row, keepdims) : tf.min(sums, row, keepdims);
  }
  if (ord === 'nuc' || ord === 2 || ord === -2) return spectralNorm(x, ord, axes, keepdims, path);
  throw new Error(`${path}: ord=${String(ord)} is not a matrix norm`);
}

const norm: Kernel = (call) => {
  const x = call.cast('x', 'float32');
  const ord = ordOf(call.value('ord'), call.path);
  const keepdims = call.value('keepdims') === true;
  const given = normAxes(call, x.rank);
  if (given === null && ord === null) return tf.sqrt(tf.sum(tf.mul(x, x), undefined, keepdims));
  const axes = given ?? x.shape.map((_, i) => i);
  if (axes.length === 1) {
    if (typeof ord === 'string') throw new Error(`${call.path}: ord='${ord}' is not a vector norm`);
    return vectorNorm(x, ord ?? 2, axes, keepdims);
  }
  if (axes.length === 2) return matrixNorm(x, ord, [axes[0]!, axes[1]!], keepdims, call.path);
  throw new Error(`${call.path} over ${axes.length} axes is not evaluated: JAX raises (improper number of axes)`);
};

export const linalgKernels: Readonly<Record<string, Kernel>> = {
  'keras.ops.det': det,
  'keras.ops.slogdet': slogdet,
  'keras.ops.inv': inv,
  'keras.ops.solve': solve,
  'keras.ops.solve_triangular': solveTriangular,
  'keras.ops.lu_factor': luFactor,
  'keras.ops.norm': norm,
  'keras.ops.matrix_rank': matrixRank,
};
