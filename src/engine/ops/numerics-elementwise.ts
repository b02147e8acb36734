// Kernels of the remaining element-wise keras.ops (clip, round, fmod, gcd, isclose, i0, erfc, …), as jax.numpy computes
// them (jax/_src/numpy/lax_numpy.py, ufuncs.py): NaN and infinities included.

import * as tf from '@tensorflow/tfjs';
import type { Kernel, KernelCall } from './kernel.js';
import { maximumNaN, minimumNaN, numeric, promotedDtype } from './numerics-common.js';

const float32Max = 3.4028234663852886e38;

/** jnp.clip: maximum with x_min, then minimum with x_max (None: no bound); NaN anywhere stays NaN; bools clip as int32. */
function clip(call: KernelCall): tf.Tensor {
  const dtype = call.outputDtype === 'bool' ? 'int32' : call.outputDtype;
  for (const name of ['x_min', 'x_max']) {
    const value = call.value(name);
    const float = typeof value === 'number' ? !Number.isInteger(value) : value !== null && call.tensor(name).dtype === 'float32';
    if (dtype === 'int32' && float) {
      // JAX promotes the int tensor to float there, where Keras's output spec keeps x's int dtype.
      throw new Error(`${call.path} of an int tensor with a float bound is not evaluated: Keras gives floats under an int dtype`);
    }
  }
  let x = call.cast('x', dtype);
  if (call.value('x_min') !== null) x = maximumNaN(x, call.cast('x_min', dtype));
  if (call.value('x_max') !== null) x = minimumNaN(x, call.cast('x_max', dtype));
  return x;
}

/** jnp.round: half to even, at `decimals` by scaling with 10**decimals (ints unchanged, or Keras's scaling for decimals < 0). */
function round(call: KernelCall): tf.Tensor {
  const decimals = call.number('decimals');
  if (!Number.isInteger(decimals)) throw new Error(`${call.path}: \`decimals\` is not an int`);
  const x = call.tensor('x');
  if (x.dtype !== 'float32') {
    if (decimals >= 0) return x;
    const factor = tf.scalar(10 ** decimals, 'float32');
    return tf.div(tf.round(tf.mul(tf.cast(x, 'float32'), factor)), factor);
  }
  if (decimals === 0) return tf.round(x);
  if (decimals > Math.log10(float32Max)) return x;
  const factor = tf.scalar(10 ** decimals, 'float32');
  return tf.div(tf.round(tf.mul(x, factor)), factor);
}

/** jnp.fmax / fmin: the other operand where one is NaN. */
function fmaxOrMin(which: 'max' | 'min'): Kernel {
  return (call) => {
    const dtype = call.outputDtype === 'bool' ? 'int32' : call.outputDtype;
    const a = call.cast('x1', dtype);
    const b = call.cast('x2', dtype);
    const better = which === 'max' ? tf.greater(a, b) : tf.less(a, b);
    const mask = dtype === 'float32' ? tf.logicalOr(better, tf.isNaN(b)) : better;
    return tf.where(mask, tf.broadcastTo(a, mask.shape), tf.broadcastTo(b, mask.shape));
  };
}

/** |x|; for int32 by negation (TensorFlow.js's abs goes through float32, rounding ints above 2**24). */
function abs(x: tf.Tensor): tf.Tensor {
  if (x.dtype !== 'int32') return tf.abs(x);
  const zero = tf.zerosLike(x);
  return tf.where(tf.less(x, zero), tf.sub(zero, x), x);
}

/** C's fmod, the sign of x1: |x1| mod |x2| (exact) signed as x1; an int divisor 0 counts as 1, as in JAX. */
function fmod(call: KernelCall): tf.Tensor {
  const dtype = call.outputDtype === 'bool' ? 'int32' : call.outputDtype;
  const a = call.cast('x1', dtype);
  let b = call.cast('x2', dtype);
  if (dtype === 'int32') b = tf.where(tf.equal(b, 0), tf.onesLike(b), b);
  const magnitude = tf.mod(abs(a), abs(b));
  // Not sign(x1) ·: the wasm backend's sign is 0 for magnitudes below about 1e-7.
  return tf.where(tf.less(a, tf.zerosLike(a)), tf.neg(magnitude), magnitude);
}

function integers(call: KernelCall): [tf.Tensor, tf.Tensor] {
  if (call.outputDtype !== 'int32') throw new Error(`${call.path} of ${call.call.outputs[0]!.dtype} values is not evaluated`);
  const a = call.cast('x1', 'int32');
  const b = call.cast('x2', 'int32');
  const shape = tf.broadcast_util.assertAndGetBroadcastShape(a.shape, b.shape);
  return [tf.broadcastTo(abs(a), shape), tf.broadcastTo(abs(b), shape)];
}

/** Euclid's algorithm element-wise, as jnp.gcd's while loop: (a, b) → (b, a mod b), larger first, until every b is 0. */
function gcdOf(a0: tf.Tensor, b0: tf.Tensor): tf.Tensor {
  let [a, b] = [tf.maximum(a0, b0), tf.minimum(a0, b0)];
  const zero = tf.zerosLike(b);
  // An int32 pair needs at most 46 steps.
  for (let step = 0; step < 64 && tf.any(tf.notEqual(b, 0)).dataSync()[0]; step++) {
    const nonzero = tf.notEqual(b, 0);
    const safe = tf.where(nonzero, b, tf.onesLike(b));
    [a, b] = [tf.where(nonzero, b, a), tf.where(nonzero, tf.mod(a, safe), zero)];
    [a, b] = [tf.maximum(a, b), tf.minimum(a, b)];
  }
  return a;
}

/** jnp.ldexp: x1 · 2**x2 for int x2, by exact powers of two (in steps, so that a large exponent does not overflow early). */
function ldexp(call: KernelCall): tf.Tensor {
  const given = call.value('x2');
  const e0 = call.tensor('x2', 'int32');
  if (e0.dtype === 'float32' || (typeof given === 'number' && !Number.isInteger(given))) {
    throw new Error(`${call.path}: the exponent must be an int`);
  }
  let x = call.cast('x1', 'float32');
  let e = tf.cast(e0, 'float32');
  for (let step = 0; step < 3; step++) {
    const part = tf.clipByValue(e, -126, 127);
    x = tf.mul(x, tf.pow(2, part));
    e = tf.sub(e, part);
  }
  return x;
}

/** jax.lax logaddexp2: max + log1p(2**-|x1 - x2|) / ln 2, or x1 + x2 where the difference is NaN. */
function logaddexp2(call: KernelCall): tf.Tensor {
  const a = call.cast('x1', 'float32');
  const b = call.cast('x2', 'float32');
  const delta = tf.sub(a, b);
  const rest = tf.mul(1 / Math.LN2, tf.log1p(tf.pow(2, tf.neg(tf.abs(delta)))));
  return tf.where(tf.isNaN(delta), tf.add(a, b), tf.add(tf.maximum(a, b), rest));
}

/**
 * The modified Bessel function I0: its power series Σ ((x/2)^k / k!)² up to |x| = 15, above it exp(|x|) times the
 * asymptotic series of I0e (so that it overflows where JAX's exp(|x|) · i0e(|x|) does).
 */
function i0(call: KernelCall): tf.Tensor {
  const ax = tf.abs(call.cast('x', 'float32'));
  const quarter = tf.mul(tf.square(tf.minimum(ax, 15)), 0.25);
  let term = tf.onesLike(ax);
  let series = tf.onesLike(ax);
  for (let k = 1; k <= 50; k++) {
    term = tf.div(tf.mul(term, quarter), k * k);
    series = tf.add(series, term);
  }
  const big = tf.maximum(ax, 15);
  const inverse = tf.div(1, tf.mul(8, big));
  let coefficient = tf.onesLike(ax);
  let asymptotic = tf.onesLike(ax);
  for (let k = 1; k <= 12; k++) {
    coefficient = tf.mul(coefficient, tf.mul(inverse, ((2 * k - 1) * (2 * k - 1)) / k));
    asymptotic = tf.add(asymptotic, coefficient);
  }
  const large = tf.mul(tf.exp(big), tf.div(asymptotic, tf.sqrt(tf.mul(2 * Math.PI, big))));
  return tf.where(tf.isNaN(ax), ax, tf.where(tf.lessEqual(ax, 15), series, large));
}

/** erfc as Numerical Recipes' erfcc (relative error below 1.2e-7), not 1 - erf, which loses the tail. */
function erfc(call: KernelCall): tf.Tensor {
  const x = call.cast('x', 'float32');
  const z = tf.abs(x);
  const t = tf.div(1, tf.add(1, tf.mul(0.5, z)));
  const coefficients = [
    -1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277,
  ];
  let poly = tf.fill(x.shape, coefficients.at(-1)!, 'float32');
  for (const c of coefficients.slice(0, -1).reverse()) poly = tf.add(c, tf.mul(t, poly));
  const tail = tf.mul(t, tf.exp(tf.add(tf.neg(tf.square(z)), poly)));
  return tf.where(tf.less(x, 0), tf.sub(2, tail), tail);
}

/** jnp.isclose: |a - b| <= atol + rtol·|b| for finite b, or a == b; NaNs equal with equal_nan; ints compared as floats. */
function isclose(call: KernelCall): tf.Tensor {
  const a = call.cast('x1', 'float32');
  const b = call.cast('x2', 'float32');
  const rtol = call.cast('rtol', 'float32');
  const atol = call.cast('atol', 'float32');
  const inRange = tf.lessEqual(tf.abs(tf.sub(a, b)), tf.add(atol, tf.mul(rtol, tf.abs(b))));
  const out = tf.logicalOr(tf.equal(a, b), tf.logicalAnd(tf.isFinite(b), inRange));
  if (call.value('equal_nan') !== true) return out;
  return tf.logicalOr(out, tf.logicalAnd(tf.isNaN(a), tf.isNaN(b)));
}

/** jnp.isin: each element of x1 compared with every element of x2. */
function isin(call: KernelCall): tf.Tensor {
  // x2 may be a list of numbers, which Keras converts to a tensor.
  const listed = call.value('x2');
  const list = Array.isArray(listed) && listed.every((v) => typeof v === 'number') ? (listed as number[]) : undefined;
  const listDtype = list?.every((v) => Number.isInteger(v)) ? 'int32' : 'float32';
  const x1Dtype = promotedDtype(call, ['x1']);
  const dtype = list ? (x1Dtype === 'float32' || listDtype === 'float32' ? 'float32' : 'int32') : promotedDtype(call, ['x1', 'x2']);
  const a = call.cast('x1', dtype);
  const b = tf.reshape(list ? tf.tensor1d(list, dtype === 'bool' ? 'int32' : dtype) : call.cast('x2', dtype), [1, -1]);
  const invert = call.value('invert') === true;
  if (b.shape[1] === 0) return invert ? tf.ones(a.shape, 'bool') : tf.zeros(a.shape, 'bool');
  const flat = tf.reshape(a, [-1, 1]);
  const found = invert ? tf.all(tf.notEqual(flat, b), 1) : tf.any(tf.equal(flat, b), 1);
  return tf.reshape(found, a.shape);
}

/** jnp.sinc: sin(πx) / (πx), 1 at 0. */
function sinc(call: KernelCall): tf.Tensor {
  const x = call.cast('x', 'float32');
  const zero = tf.equal(x, 0);
  const pix = tf.mul(tf.scalar(Math.PI, 'float32'), x);
  const safe = tf.where(zero, tf.onesLike(pix), pix);
  return tf.where(zero, tf.onesLike(pix), tf.div(tf.sin(safe), safe));
}

/** jnp.nan_to_num: NaN → `nan`, ±inf → `posinf` / `neginf` (float32's largest finite values by default); ints as they are. */
function nanToNum(call: KernelCall): tf.Tensor {
  const x = call.tensor('x');
  if (x.dtype !== 'float32') return x;
  const replacement = (name: string, fallback: number): tf.Tensor =>
    call.value(name) === null ? tf.scalar(fallback, 'float32') : call.cast(name, 'float32');
  const shape = (t: tf.Tensor) => tf.broadcastTo(t, tf.broadcast_util.assertAndGetBroadcastShape(x.shape, t.shape));
  let out = tf.where(tf.isNaN(x), shape(replacement('nan', 0)), x);
  out = tf.where(tf.logicalAnd(tf.isInf(out), tf.greater(out, 0)), shape(replacement('posinf', float32Max)), out);
  return tf.where(tf.logicalAnd(tf.isInf(out), tf.less(out, 0)), shape(replacement('neginf', -float32Max)), out);
}

export const elementwiseNumericKernels: Readonly<Record<string, Kernel>> = {
  'keras.ops.gcd': (call) => gcdOf(...integers(call)),
  'keras.ops.lcm': (call) => {
    const [a, b] = integers(call);
    const d = gcdOf(a, b);
    const zero = tf.equal(d, 0);
    return tf.where(zero, tf.zerosLike(d), tf.mul(a, tf.floorDiv(b, tf.where(zero, tf.onesLike(d), d))));
  },
  'keras.ops.ldexp': ldexp,
  'keras.ops.clip': clip,
  'keras.ops.round': round,
  'keras.ops.fabs': (call) => abs(numeric(call, 'x')),
  'keras.ops.fmax': fmaxOrMin('max'),
  'keras.ops.fmin': fmaxOrMin('min'),
  'keras.ops.fmod': fmod,
  'keras.ops.logaddexp2': logaddexp2,
  'keras.ops.i0': i0,
  'keras.ops.isclose': isclose,
  'keras.ops.allclose': (call) => tf.all(isclose(call)),
  'keras.ops.isin': isin,
  'keras.ops.isreal': (call) => tf.ones(call.tensor('x').shape, 'bool'),
  'keras.ops.sinc': sinc,
  'keras.ops.nan_to_num': nanToNum,
  'keras.ops.angle': (call) => {
    const x = call.cast('x', 'float32');
    return tf.atan2(tf.zerosLike(x), x);
  },
  'keras.ops.erfc': erfc,
};
