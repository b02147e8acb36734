// Kernels of linspace, logspace, geomspace (jax/_src/numpy/array_creation.py: start·(1 - t) + stop·t in float32), of
// nextafter, erfinv, cdist, array, histogram, meshgrid, view_as_real and of the bitwise ops (jnp.bitwise_*,
// left_shift, right_shift on integers).

import * as tf from '@tensorflow/tfjs';
import { convertTo } from './core-kernels.js';
import type { Kernel, KernelCall } from './kernel.js';

const f32 = Math.fround;

function intArgument(call: KernelCall, name: string): number {
  const value = call.value(name);
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new Error(`${call.path} with a non-int \`${name}\` is not evaluated`);
  return value;
}

/** start and stop as float32 tensors broadcast to one shape (the bounds' shape). */
function bounds(call: KernelCall): [tf.Tensor, tf.Tensor] {
  const start = call.cast('start', 'float32');
  const stop = call.cast('stop', 'float32');
  const shape = tf.broadcast_util.assertAndGetBroadcastShape(start.shape, stop.shape);
  return [tf.broadcastTo(start, shape), tf.broadcastTo(stop, shape)];
}

/**
 * jnp.linspace in float32 along `axis` (of the result: the bounds' rank + 1): t = iota / div, start·(1 - t) + stop·t,
 * stop appended for endpoint=True. Returns the samples and the step (NaN for one sample with endpoint).
 */
function linspaceOf(
  start: tf.Tensor,
  stop: tf.Tensor,
  num: number,
  endpoint: boolean,
  given: number,
  path: string,
): [tf.Tensor, tf.Tensor] {
  if (num < 0) throw new Error(`${path} of ${num} samples is not evaluated: JAX raises (num must be non-negative)`);
  const rank = start.rank + 1;
  if (given < -rank || given >= rank) throw new Error(`${path}: axis ${given} is out of bounds`);
  const axis = given < 0 ? rank + given : given;
  const shape = [...start.shape];
  const withAxis = (n: number) => [...shape.slice(0, axis), n, ...shape.slice(axis)];
  const div = endpoint ? num - 1 : num;
  if (num === 0) return [tf.zeros(withAxis(0)), tf.scalar(NaN)];
  const lo = tf.reshape(start, withAxis(1));
  const hi = tf.reshape(stop, withAxis(1));
  if (num === 1) return [lo, endpoint ? tf.fill(shape, NaN) : tf.sub(stop, start)];
  const delta = tf.div(tf.sub(stop, start), tf.scalar(div));
  const steps = Float32Array.from({ length: div }, (_, i) => f32(i / div));
  const step = tf.reshape(
    tf.tensor1d(steps, 'float32'),
    withAxis(div).map((d, i) => (i === axis ? d : 1)),
  );
  let out = tf.add(tf.mul(lo, tf.sub(tf.scalar(1), step)), tf.mul(hi, step));
  if (endpoint) out = tf.concat([out, hi], axis);
  return [out, delta];
}

/**
 * The float samples converted to the `dtype` asked for: linspace floors them for an integer dtype, logspace and
 * geomspace convert (truncate). Keras's symbolic dtype is a float even then (result_type(dtype, float)), but the
 * values its JAX backend computes are the integer ones: those are what the engine gives, in the output's dtype.
 */
function asOutput(call: KernelCall, t: tf.Tensor, floor = false): tf.Tensor {
  const requested = call.value('dtype');
  const dtype = typeof requested === 'string' ? requested : call.call.outputs[0]!.dtype;
  if (/^u?int/.test(dtype)) return convertTo(floor ? tf.floor(t) : t, dtype, 'int32');
  if (dtype !== 'float32') throw new Error(`${call.path} to ${dtype} is not evaluated: its values are not float32's`);
  return t;
}

const linspace: Kernel = (call) => {
  const [start, stop] = bounds(call);
  const [out, delta] = linspaceOf(
    start,
    stop,
    intArgument(call, 'num'),
    call.value('endpoint') !== false,
    intArgument(call, 'axis'),
    call.path,
  );
  return call.value('retstep') === true ? [asOutput(call, out, true), delta] : asOutput(call, out, true);
};

const log10 = (t: tf.Tensor): tf.Tensor => tf.div(tf.log(t), tf.scalar(Math.LN10));

const logspace: Kernel = (call) => {
  const [start, stop] = bounds(call);
  const [lin] = linspaceOf(start, stop, intArgument(call, 'num'), call.value('endpoint') !== false, intArgument(call, 'axis'), call.path);
  return asOutput(call, tf.pow(call.cast('base', 'float32'), lin));
};

const geomspace: Kernel = (call) => {
  const [start, stop] = bounds(call);
  const sign = tf.sign(start);
  const num = intArgument(call, 'num');
  const [lin] = linspaceOf(log10(tf.div(start, sign)), log10(tf.div(stop, sign)), num, call.value('endpoint') !== false, 0, call.path);
  let res = tf.mul(tf.reshape(sign, [1, ...sign.shape]), tf.pow(tf.scalar(10), lin));
  const given = intArgument(call, 'axis');
  const axis = given < 0 ? given + res.rank : given;
  if (axis < 0 || axis >= res.rank) throw new Error(`${call.path}: axis ${given} is out of bounds`);
  if (axis !== 0)
    res = tf.transpose(res, [
      ...Array.from({ length: axis }, (_, i) => i + 1),
      0,
      ...Array.from({ length: res.rank - axis - 1 }, (_, i) => axis + 1 + i),
    ]);
  return asOutput(call, res);
};

// ---- nextafter -------------------------------------------------------------------------------------------------------

const nextafter: Kernel = (call) => {
  if (call.call.outputs[0]!.dtype !== 'float32') {
    throw new Error(`${call.path} in ${call.call.outputs[0]!.dtype} is not evaluated: only float32 steps are computed`);
  }
  const a = call.cast('x1', 'float32');
  const b = call.cast('x2', 'float32');
  const shape = tf.broadcast_util.assertAndGetBroadcastShape(a.shape, b.shape);
  const x = tf.broadcastTo(a, shape).dataSync() as Float32Array;
  const y = tf.broadcastTo(b, shape).dataSync() as Float32Array;
  const out = new Float32Array(x.length);
  const bits = new Int32Array(out.buffer);
  for (let i = 0; i < x.length; i++) {
    const from = x[i]!;
    const to = y[i]!;
    if (Number.isNaN(from) || Number.isNaN(to)) out[i] = NaN;
    else if (from === to) out[i] = to;
    else if (from === 0) out[i] = to > 0 ? 1.401298464324817e-45 : -1.401298464324817e-45;
    else {
      out[i] = from;
      bits[i] = bits[i]! + (to > from === from > 0 ? 1 : -1);
    }
  }
  return tf.tensor(out, shape, 'float32');
};

// ---- erfinv ----------------------------------------------------------------------------------------------------------

// XLA's ErfInv32 (xla/hlo/builder/lib/math.cc): M. Giles' single-precision approximation.
const erfinvSmall = [
  2.81022636e-8, 3.43273939e-7, -3.5233877e-6, -4.39150654e-6, 0.00021858087, -0.00125372503, -0.00417768164, 0.246640727, 1.50140941,
];
const erfinvLarge = [
  -0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773, -0.0076224613, 0.00943887047, 1.00167406, 2.83297682,
];

function horner(coefficients: readonly number[], w: tf.Tensor): tf.Tensor {
  let p = tf.fill(w.shape, coefficients[0]!);
  for (const c of coefficients.slice(1)) p = tf.add(tf.scalar(c), tf.mul(p, w));
  return p;
}

const erfinv: Kernel = (call) => {
  if (call.outputDtype !== 'float32') throw new Error(`${call.path} of a ${call.call.outputs[0]!.dtype} output is not evaluated`);
  const x = call.cast('x', 'float32');
  const w = tf.neg(tf.log1p(tf.neg(tf.mul(x, x))));
  const small = horner(erfinvSmall, tf.sub(w, 2.5));
  const large = horner(erfinvLarge, tf.sub(tf.sqrt(tf.maximum(w, 0)), 3));
  const p = tf.where(tf.less(w, 5), small, large);
  const result = tf.mul(p, x);
  const edge = tf.equal(tf.abs(x), 1);
  return tf.where(edge, tf.mul(x, Infinity), tf.where(tf.greater(tf.abs(x), 1), tf.fill(x.shape, NaN), result));
};

// ---- cdist, array ----------------------------------------------------------------------------------------------------

const cdist: Kernel = (call) => {
  const x = call.cast('x', 'float32');
  const y = call.cast('y', 'float32');
  if (x.rank < 2 || y.rank < 2) throw new Error(`${call.path} of inputs of rank < 2 is not evaluated: Keras raises`);
  const diff = tf.sub(tf.expandDims(x, -2), tf.expandDims(y, -3));
  return tf.sqrt(tf.sum(tf.mul(diff, diff), -1));
};

const array: Kernel = (call) => convertTo(call.tensor('x', call.outputDtype), call.call.outputs[0]!.dtype, call.outputDtype);

// ---- histogram, meshgrid, view_as_real ----------------------------------------------------------------------

/** jnp.histogram with `bins` bins: edges linspace(min, max) (±0.5 where they meet), counts by side='right' search. */
const histogram: Kernel = (call) => {
  const x = call.cast('x', 'float32');
  const bins = intArgument(call, 'bins');
  const data = Array.from(x.dataSync());
  if (data.some(Number.isNaN)) throw new Error(`${call.path} of values with NaN is not evaluated`);
  const range = call.value('range');
  let lo: number;
  let hi: number;
  if (range === null) {
    if (data.length === 0) throw new Error(`${call.path} of an empty tensor is not evaluated: JAX raises`);
    lo = data.reduce((m, v) => Math.min(m, v), Infinity);
    hi = data.reduce((m, v) => Math.max(m, v), -Infinity);
  } else {
    if (!Array.isArray(range) || range.length !== 2 || typeof range[0] !== 'number' || typeof range[1] !== 'number')
      throw new Error(`${call.path}: range ${JSON.stringify(range)} is not a pair of numbers`);
    [lo, hi] = [f32(range[0]), f32(range[1])];
  }
  if (lo === hi) [lo, hi] = [f32(lo - 0.5), f32(hi + 0.5)];
  const [edgesTensor] = linspaceOf(tf.scalar(lo), tf.scalar(hi), bins + 1, true, 0, call.path);
  const edges = edgesTensor.dataSync();
  const counts = new Float64Array(edges.length + 1);
  for (const v of data) {
    let index = 0;
    while (index < edges.length && edges[index]! <= v) index++;
    if (v === edges[edges.length - 1]) index = edges.length - 1;
    counts[index] = counts[index]! + 1;
  }
  return [tf.tensor1d(Array.from(counts.subarray(1, edges.length)), 'float32'), edgesTensor];
};

const meshgrid: Kernel = (call) => {
  const xs = call.tensors('x');
  const indexing = call.value('indexing');
  if (indexing !== 'xy' && indexing !== 'ij') throw new Error(`${call.path}: indexing ${JSON.stringify(indexing)} is not 'xy' or 'ij'`);
  if (xs.some((t) => t.rank !== 1)) throw new Error(`${call.path} of tensors that are not vectors is not evaluated: JAX raises`);
  const sizes = xs.map((t) => t.shape[0]!);
  const shape = [...sizes];
  if (indexing === 'xy' && shape.length >= 2) [shape[0], shape[1]] = [shape[1]!, shape[0]!];
  return xs.map((t, i) => {
    const at = indexing === 'xy' && xs.length >= 2 && i < 2 ? 1 - i : i;
    const dtype = call.call.outputs[i] ? tfDtypeOf(call.call.outputs[i]!.dtype, t.dtype) : t.dtype;
    const v = t.dtype === dtype ? t : tf.cast(t, dtype);
    return tf.broadcastTo(
      tf.reshape(
        v,
        shape.map((d, k) => (k === at ? d : 1)),
      ),
      shape,
    );
  });
};

function tfDtypeOf(kerasDtype: string, fallback: tf.DataType): tf.DataType {
  if (kerasDtype === 'bool') return 'bool';
  if (/^u?int/.test(kerasDtype)) return 'int32';
  if (/float/.test(kerasDtype)) return 'float32';
  return fallback;
}

/** A real tensor's (real, imaginary) pairs: the imaginary parts are zeros (TensorFlow.js has no complex tensors). */
const viewAsReal: Kernel = (call) => {
  const x = call.cast('x', 'float32');
  return tf.stack([x, tf.zerosLike(x)], -1);
};

// ---- bitwise ---------------------------------------------------------------------------------------------------------

const intBits: Readonly<Record<string, [number, boolean]>> = {
  int8: [8, true],
  int16: [16, true],
  int32: [32, true],
  uint8: [8, false],
  uint16: [16, false],
  bool: [1, false],
};

/** An integer wrapped into the Keras dtype's range (two's complement). */
function wrapper(call: KernelCall): (v: number) => number {
  const dtype = call.call.outputs[0]!.dtype;
  const spec = intBits[dtype];
  if (!spec) throw new Error(`${call.path} of ${dtype} values is not evaluated: only integers up to 32 bits are`);
  const [bits, signed] = spec;
  if (bits === 32) return (v) => v | 0;
  const width = 2 ** bits;
  return (v) => {
    const u = ((v % width) + width) % width;
    return signed && u >= width / 2 ? u - width : u;
  };
}

function integerData(call: KernelCall, name: string): tf.Tensor {
  const t = call.tensor(name, 'int32');
  if (t.dtype === 'float32') throw new Error(`${call.path} of float values is not evaluated: JAX raises`);
  return t.dtype === 'int32' ? t : tf.cast(t, 'int32');
}

function bitwiseBinary(op: (a: number, b: number, bits: number) => number): Kernel {
  return (call) => {
    const wrap = wrapper(call);
    const bits = intBits[call.call.outputs[0]!.dtype]![0];
    const [x1, x2] = [call.firstParameter, Object.keys(call.call.arguments)[1]!];
    const a = integerData(call, x1);
    const b = integerData(call, x2);
    const shape = tf.broadcast_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const x = tf.broadcastTo(a, shape).dataSync();
    const y = tf.broadcastTo(b, shape).dataSync();
    const out = Int32Array.from(x, (v, i) => wrap(op(v, y[i]!, bits)));
    return tf.tensor(out, shape, call.outputDtype === 'bool' ? 'int32' : call.outputDtype);
  };
}

/** XLA's shifts: a shift by the width or more (or a negative one) gives 0, or the sign for an arithmetic right shift. */
const leftShift = bitwiseBinary((a, b, bits) => (b < 0 || b >= bits ? 0 : bits === 32 ? a << b : a * 2 ** b));
const rightShift = bitwiseBinary((a, b, bits) => (b < 0 || b >= bits ? (a < 0 ? -1 : 0) : a >> b));

const bitwiseNot: Kernel = (call) => {
  const wrap = wrapper(call);
  const x = integerData(call, call.firstParameter);
  if (call.call.outputs[0]!.dtype === 'bool') return tf.logicalNot(tf.cast(x, 'bool'));
  return tf.tensor(
    Int32Array.from(x.dataSync(), (v) => wrap(~v)),
    x.shape,
    'int32',
  );
};

export const spaceKernels: Readonly<Record<string, Kernel>> = {
  'keras.ops.linspace': linspace,
  'keras.ops.logspace': logspace,
  'keras.ops.geomspace': geomspace,
  'keras.ops.nextafter': nextafter,
  'keras.ops.erfinv': erfinv,
  'keras.ops.cdist': cdist,
  'keras.ops.array': array,
  'keras.ops.histogram': histogram,
  'keras.ops.meshgrid': meshgrid,
  'keras.ops.view_as_real': viewAsReal,
  'keras.ops.bitwise_and': bitwiseBinary((a, b) => a & b),
  'keras.ops.bitwise_or': bitwiseBinary((a, b) => a | b),
  'keras.ops.bitwise_xor': bitwiseBinary((a, b) => a ^ b),
  'keras.ops.bitwise_left_shift': leftShift,
  'keras.ops.left_shift': leftShift,
  'keras.ops.bitwise_right_shift': rightShift,
  'keras.ops.right_shift': rightShift,
  'keras.ops.bitwise_not': bitwiseNot,
  'keras.ops.bitwise_invert': bitwiseNot,
};
