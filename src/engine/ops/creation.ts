// Kernels of the keras.ops calls that make tensors from Python values (keras/src/backend/jax/numpy.py): arange
// (jax/_src/numpy/lax_numpy.py `_arange`: start + step·iota in the output's dtype), eye, identity and tri (a
// comparison of the column index with the row index plus k), full (the fill value converted to the dtype, broadcast),
// and the window functions bartlett, blackman, hamming, hanning and kaiser (jax/_src/numpy/window_functions.py, in
// float32 as JAX computes them). empty is refused: its values are whatever memory held.

import * as tf from '@tensorflow/tfjs';
import { convertTo } from './core-kernels.js';
import type { Kernel, KernelCall } from './kernel.js';

const f32 = Math.fround;

/** A Python int argument (a size, a diagonal offset). */
function intArgument(call: KernelCall, name: string): number {
  const value = call.value(name);
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new Error(`${call.path} with \`${name}\` ${JSON.stringify(value)} (not a Python int) is not evaluated`);
  }
  return value;
}

/** A Python number argument; a tensor is refused. */
function numberArgument(call: KernelCall, name: string): number {
  const value = call.value(name);
  if (typeof value !== 'number') {
    throw new Error(`${call.path} with \`${name}\` ${JSON.stringify(value)} (not a Python number) is not evaluated`);
  }
  return value;
}

/** The Keras dtype of the (first) output. */
const kerasDtypeOf = (call: KernelCall): string => call.call.outputs[0]!.dtype;

/** The values computed in int32 or float32, converted to the output's Keras dtype as XLA converts (ints wrap). */
const asOutput = (call: KernelCall, t: tf.Tensor): tf.Tensor => convertTo(t, kerasDtypeOf(call), call.outputDtype);

/** The length the analysis computed for a 1-D output must be the kernel's: a mismatch is a bug of one of them. */
function checkLength(call: KernelCall, size: number): void {
  const expected = call.call.outputs[0]!.shape[0];
  if (typeof expected === 'number' && expected !== size) {
    throw new Error(`${call.path} computes ${size} values where the analysis says ${expected}`);
  }
}

/**
 * jnp.arange: (start, stop) = (0, start) without stop; with a step, size = ceil((stop - start) / step) and the values
 * convert(start) + convert(step)·iota in the output's dtype (an int dtype truncates float bounds first); without one,
 * convert(start) + iota, size ceil(stop - start).
 */
const arange: Kernel = (call) => {
  const given = numberArgument(call, 'start');
  const stopValue = call.value('stop');
  const stepValue = call.value('step');
  if (stopValue !== null) numberArgument(call, 'stop');
  if (stepValue !== null) numberArgument(call, 'step');
  const [start, stop] = stopValue === null ? [0, given] : [given, stopValue as number];
  const dtype = call.outputDtype;
  if (dtype === 'bool') throw new Error(`${call.path} with dtype bool is not evaluated`);
  const convert = (v: number): number => (dtype === 'int32' ? Math.trunc(v) : f32(v));
  let size: number;
  let values: tf.Tensor;
  if (stepValue !== null) {
    const step = stepValue as number;
    if (step === 0) throw new Error(`${call.path} with step 0 is not evaluated: JAX raises`);
    size = Math.max(0, Math.ceil((stop - start) / step));
    const iota = tf.range(0, size, 1, dtype);
    values = tf.add(tf.scalar(convert(start), dtype), tf.mul(tf.scalar(convert(step), dtype), iota));
  } else {
    size = Math.max(0, Math.ceil(stop - start));
    const iota = tf.range(0, size, 1, dtype);
    values = start === 0 ? iota : tf.add(tf.scalar(convert(start), dtype), iota);
  }
  checkLength(call, size);
  return asOutput(call, values);
};

/** The (N, M) mask comparing each column index j with its row index i: `j - i == k` (eye) or `j - i <= k` (tri). */
function diagonalMask(call: KernelCall, n: number, m: number, k: number, below: boolean): tf.Tensor {
  if (n < 0 || m < 0) throw new Error(`${call.path} of a negative size is not evaluated: JAX raises`);
  const rows = tf.reshape(tf.range(0, n, 1, 'int32'), [n, 1]);
  const cols = tf.reshape(tf.range(0, m, 1, 'int32'), [1, m]);
  const offset = tf.sub(cols, rows);
  const mask = below ? tf.lessEqual(offset, tf.scalar(k, 'int32')) : tf.equal(offset, tf.scalar(k, 'int32'));
  return call.outputDtype === 'bool' ? mask : tf.cast(mask, call.outputDtype);
}

function matrixSizes(call: KernelCall): [number, number, number] {
  const n = intArgument(call, 'N');
  const m = call.value('M') === null ? n : intArgument(call, 'M');
  return [n, m, intArgument(call, 'k')];
}

const eye: Kernel = (call) => diagonalMask(call, ...matrixSizes(call), false);

const tri: Kernel = (call) => diagonalMask(call, ...matrixSizes(call), true);

const identity: Kernel = (call) => {
  const n = intArgument(call, 'n');
  return diagonalMask(call, n, n, 0, false);
};

/** A shape given as an int or a list of ints (sizes read at run time already resolved). */
function shapeArgument(call: KernelCall, name: string): number[] {
  const value = call.value(name);
  const dims = typeof value === 'number' ? [value] : value;
  if (!Array.isArray(dims) || !dims.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= 0)) {
    throw new Error(`${call.path} with \`${name}\` ${JSON.stringify(value)} (not a list of sizes) is not evaluated`);
  }
  return dims as number[];
}

/** A Python number as the tensor JAX converts it from: bools as bool, ints as int32, other numbers float32. */
function scalarOf(call: KernelCall, name: string, value: number | boolean): tf.Tensor {
  if (typeof value === 'boolean') return tf.scalar(value, 'bool');
  if (!Number.isInteger(value)) return tf.scalar(value, 'float32');
  if (Math.abs(value) > 2147483647) throw new Error(`${call.path} with \`${name}\` ${value} beyond int32 is not evaluated`);
  return tf.scalar(value, 'int32');
}

/** jnp.full: the fill value (a number or a tensor) converted to the dtype and broadcast to the shape. */
const full: Kernel = (call) => {
  const shape = shapeArgument(call, 'shape');
  const value = call.value('fill_value');
  // jnp.full takes arrays and scalars only: a Python list raises a TypeError there.
  if (Array.isArray(value)) throw new Error(`${call.path} with a list \`fill_value\` is not evaluated: JAX raises`);
  const fill = typeof value === 'number' || typeof value === 'boolean' ? scalarOf(call, 'fill_value', value) : call.tensor('fill_value');
  if (fill.rank > shape.length || fill.shape.some((d, i) => d !== 1 && d !== shape[shape.length - fill.rank + i])) {
    throw new Error(`${call.path}: a fill value of shape (${fill.shape.join(', ')}) does not broadcast to (${shape.join(', ')})`);
  }
  return tf.broadcastTo(asOutput(call, fill), shape);
};

const empty: Kernel = (call) => {
  throw new Error(`${call.path} is not evaluated: its values are undefined (whatever memory the backend hands out)`);
};

/** The window length M: JAX's `int(M)` of a Python number (a tensor is symbolic there, and Keras raises). */
function windowLength(call: KernelCall): number {
  const value = call.value('x');
  if (typeof value !== 'number') {
    throw new Error(`${call.path} of a tensor is not evaluated: Keras computes windows of Python ints only`);
  }
  const m = Math.trunc(value);
  if (m < 0) throw new Error(`${call.path} of a negative length is not evaluated: JAX raises`);
  checkLength(call, m);
  return m;
}

/** A window of length M: ones for M <= 1, else `of(n)` on n = iota(M) in float32. */
function windowKernel(of: (n: tf.Tensor, m: number) => tf.Tensor): Kernel {
  return (call) => {
    const m = windowLength(call);
    if (m <= 1) return tf.ones([m], 'float32');
    return of(tf.range(0, m, 1, 'float32'), m);
  };
}

/** cos(c·π·n / (M - 1)) as JAX orders it: (c·π as a Python float, then float32) · n, divided by M - 1. */
const cosine = (n: tf.Tensor, m: number, c: number): tf.Tensor => tf.cos(tf.div(tf.mul(n, f32(c * Math.PI)), m - 1));

const bartlett = windowKernel((n, m) => tf.sub(1, tf.div(tf.abs(tf.sub(tf.add(tf.mul(n, 2), 1), m)), m - 1)));

const blackman = windowKernel((n, m) => tf.add(tf.sub(0.42, tf.mul(0.5, cosine(n, m, 2))), tf.mul(0.08, cosine(n, m, 4))));

const hamming = windowKernel((n, m) => tf.sub(0.54, tf.mul(0.46, cosine(n, m, 2))));

const hanning = windowKernel((n, m) => tf.mul(0.5, tf.sub(1, cosine(n, m, 2))));

/** float32's exp overflows above ln(FLT_MAX): JAX's i0 of float32 is exp(|x|)·i0e(x), infinite from there. */
const expOverflow = Math.log(3.4028234663852886e38);

/** The modified Bessel function I0 of a float32 argument, rounded to float32 as JAX's float32 i0 gives it. */
function besselI0(x: number): number {
  const ax = Math.abs(x);
  if (Number.isNaN(ax)) return NaN;
  if (ax > expOverflow) return Infinity;
  // Σ ((x/2)^k / k!)²: every term positive, so the sum keeps double precision.
  const quarter = (ax * ax) / 4;
  let term = 1;
  let sum = 1;
  for (let k = 1; k < 1000 && term > sum * 1e-17; k++) {
    term *= quarter / (k * k);
    sum += term;
  }
  return f32(sum);
}

/** jnp.kaiser: i0(β·sqrt(1 - ((n - α) / α)²)) / i0(β), α = (M - 1) / 2, each step in float32 (the data is M numbers). */
const kaiser: Kernel = (call) => {
  const m = windowLength(call);
  const beta = f32(numberArgument(call, 'beta'));
  if (m <= 1) return tf.ones([m], 'float32');
  const alpha = f32(0.5 * (m - 1));
  const denominator = besselI0(beta);
  const values = Float32Array.from({ length: m }, (_, n) => {
    const ratio = f32(f32(n - alpha) / alpha);
    const root = f32(Math.sqrt(f32(1 - f32(ratio * ratio))));
    return f32(besselI0(f32(beta * root)) / denominator);
  });
  return tf.tensor1d(values, 'float32');
};

export const creationKernels: Readonly<Record<string, Kernel>> = {
  'keras.ops.arange': arange,
  'keras.ops.eye': eye,
  'keras.ops.identity': identity,
  'keras.ops.tri': tri,
  'keras.ops.full': full,
  'keras.ops.empty': empty,
  'keras.ops.bartlett': bartlett,
  'keras.ops.blackman': blackman,
  'keras.ops.hamming': hamming,
  'keras.ops.hanning': hanning,
  'keras.ops.kaiser': kaiser,
};
