// Kernels of the element-wise keras.ops: one tensor in (exp, relu, …), or two broadcast together (add, greater, …).
// Keras promotes the operands to the output's dtype before the op (int32 / int32 divides in float32); a comparison
// compares in the dtype both operands promote to.

import * as tf from '@tensorflow/tfjs';
import { clipInt } from './arrangement-helpers.js';
import { truth, type Kernel, type KernelCall, type TfDtype } from './kernel.js';

type Unary = (x: tf.Tensor, call: KernelCall) => tf.Tensor;
type Binary = (a: tf.Tensor, b: tf.Tensor) => tf.Tensor;

/** The op on its first parameter, cast to the output's dtype. */
function unary(fn: Unary): Kernel {
  return (call) => fn(call.cast(call.firstParameter), call);
}

function binary(fn: Binary, first = 'x1', second = 'x2'): Kernel {
  return (call) => fn(call.cast(first), call.cast(second));
}

/** Both operands in float32 when either is a float (a Python float included), else int32; bools stay bools. */
function comparisonDtype(call: KernelCall, names: readonly string[]): TfDtype {
  const dtypes = names.map((name) => {
    const value = call.value(name);
    if (typeof value === 'number') return Number.isInteger(value) ? 'int32' : 'float32';
    return call.tensor(name).dtype;
  });
  if (dtypes.includes('float32')) return 'float32';
  return dtypes.every((d) => d === 'bool') ? 'bool' : 'int32';
}

function comparison(fn: Binary): Kernel {
  return (call) => {
    const dtype = comparisonDtype(call, ['x1', 'x2']);
    return fn(call.cast('x1', dtype), call.cast('x2', dtype));
  };
}

const ln2 = Math.log(2);
const ln10 = Math.log(10);

/** NumPy's sign: NaN stays NaN and -0 stays -0 (tf.sign gives 0 for NaN, and 0 for tiny values on wasm). */
const sign = (x: tf.Tensor): tf.Tensor => tf.where(tf.greater(x, 0), tf.onesLike(x), tf.where(tf.less(x, 0), tf.neg(tf.onesLike(x)), x));

/** NaN where either operand is NaN (wasm's maximum and minimum drop a NaN second operand). */
function propagatingNaN(fn: Binary): Binary {
  return (a, b) => {
    if (a.dtype !== 'float32') return fn(a, b);
    return tf.where(tf.logicalOr(tf.isNaN(a), tf.isNaN(b)), tf.add(a, b), fn(a, b));
  };
}

const sigmoid: Unary = (x) => tf.sigmoid(x);
const hardSigmoid: Unary = (x) => tf.div(tf.relu6(tf.add(x, 3)), 6);

function shrink(inner: (x: tf.Tensor, threshold: number) => tf.Tensor): Unary {
  return (x, call) => inner(x, call.number('threshold'));
}

const unaryKernels: Readonly<Record<string, Unary>> = {
  abs: tf.abs,
  absolute: tf.abs,
  arccos: tf.acos,
  arccosh: tf.acosh,
  arcsin: tf.asin,
  arcsinh: tf.asinh,
  arctan: tf.atan,
  arctanh: tf.atanh,
  cbrt: (x) => tf.mul(sign(x), tf.pow(tf.abs(x), 1 / 3)),
  ceil: tf.ceil,
  conj: (x) => x,
  conjugate: (x) => x,
  copy: (x) => tf.clone(x),
  cos: tf.cos,
  cosh: tf.cosh,
  deg2rad: (x) => tf.mul(x, Math.PI / 180),
  exp: tf.exp,
  exp2: (x) => tf.exp(tf.mul(x, ln2)),
  expm1: tf.expm1,
  floor: tf.floor,
  log: tf.log,
  log10: (x) => tf.div(tf.log(x), ln10),
  log1p: tf.log1p,
  log2: (x) => tf.div(tf.log(x), ln2),
  negative: tf.neg,
  rad2deg: (x) => tf.mul(x, 180 / Math.PI),
  real: (x) => x,
  imag: (x) => tf.zerosLike(x),
  reciprocal: tf.reciprocal,
  sign,
  sin: tf.sin,
  sinh: tf.sinh,
  sqrt: tf.sqrt,
  square: tf.square,
  tan: tf.tan,
  tanh: tf.tanh,
  trunc: (x) => (x.dtype === 'float32' ? tf.mul(sign(x), tf.floor(tf.abs(x))) : x),
  stop_gradient: (x) => x,
  relu: tf.relu,
  relu6: tf.relu6,
  sigmoid,
  softplus: tf.softplus,
  softsign: (x) => tf.div(x, tf.add(tf.abs(x), 1)),
  silu: (x) => tf.mul(x, tf.sigmoid(x)),
  swish: (x) => tf.mul(x, tf.sigmoid(x)),
  log_sigmoid: tf.logSigmoid,
  leaky_relu: (x, call) => tf.leakyRelu(x, call.number('negative_slope')),
  elu: (x, call) => tf.where(tf.greater(x, 0), x, tf.mul(call.number('alpha'), tf.expm1(x))),
  selu: tf.selu,
  gelu: (x, call) =>
    call.value('approximate') === false
      ? tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.div(x, Math.SQRT2))))
      : tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(tf.mul(Math.sqrt(2 / Math.PI), tf.add(x, tf.mul(0.044715, tf.pow(x, 3))))))),
  celu: (x, call) => {
    const alpha = call.number('alpha');
    return tf.add(tf.relu(x), tf.minimum(0, tf.mul(alpha, tf.expm1(tf.div(x, alpha)))));
  },
  hard_sigmoid: hardSigmoid,
  hard_silu: (x, call) => tf.mul(x, hardSigmoid(x, call)),
  hard_swish: (x, call) => tf.mul(x, hardSigmoid(x, call)),
  // JAX keeps an int tensor's dtype; tfjs-wasm's clipByValue does not clip int32.
  hard_tanh: (x) => (x.dtype === 'int32' ? clipInt(x, -1, 1) : tf.clipByValue(x, -1, 1)),
  tanh_shrink: (x) => tf.sub(x, tf.tanh(x)),
  soft_shrink: shrink((x, t) => tf.where(tf.greater(x, t), tf.sub(x, t), tf.where(tf.less(x, -t), tf.add(x, t), tf.zerosLike(x)))),
  hard_shrink: shrink((x, t) => tf.where(tf.greater(tf.abs(x), t), x, tf.zerosLike(x))),
  sparse_plus: (x) =>
    tf.where(tf.lessEqual(x, -1), tf.zerosLike(x), tf.where(tf.greaterEqual(x, 1), x, tf.div(tf.square(tf.add(x, 1)), 4))),
  sparse_sigmoid: (x) => tf.clipByValue(tf.div(tf.add(x, 1), 2), 0, 1),
  squareplus: (x, call) => tf.div(tf.add(x, tf.sqrt(tf.add(tf.square(x), call.number('b')))), 2),
  erf: tf.erf,
  rsqrt: tf.rsqrt,
};

/** Ops whose output is bool, computed on the input in its own dtype. */
const predicateKernels: Readonly<Record<string, (x: tf.Tensor) => tf.Tensor>> = {
  isfinite: (x) => (x.dtype === 'float32' ? tf.isFinite(x) : tf.onesLike(x).cast('bool')),
  isinf: (x) => (x.dtype === 'float32' ? tf.isInf(x) : tf.zerosLike(x).cast('bool')),
  isnan: (x) => (x.dtype === 'float32' ? tf.isNaN(x) : tf.zerosLike(x).cast('bool')),
  isposinf: (x) => (x.dtype === 'float32' ? tf.logicalAnd(tf.isInf(x), tf.greater(x, 0)) : tf.zerosLike(x).cast('bool')),
  isneginf: (x) => (x.dtype === 'float32' ? tf.logicalAnd(tf.isInf(x), tf.less(x, 0)) : tf.zerosLike(x).cast('bool')),
  // -0 has its sign bit set: 1 / -0 is -inf.
  signbit: (x) =>
    x.dtype === 'bool'
      ? tf.zerosLike(x).cast('bool')
      : tf.logicalOr(tf.less(x, 0), tf.logicalAnd(tf.equal(x, 0), tf.less(tf.div(1, tf.cast(x, 'float32')), 0))),
  logical_not: (x) => tf.logicalNot(truth(x)),
};

const binaryKernels: Readonly<Record<string, Binary>> = {
  add: tf.add,
  subtract: tf.sub,
  multiply: tf.mul,
  divide: tf.div,
  true_divide: tf.div,
  floor_divide: (a, b) => (a.dtype === 'float32' ? tf.floor(tf.div(a, b)) : tf.floorDiv(a, b)),
  mod: tf.mod,
  power: tf.pow,
  maximum: propagatingNaN(tf.maximum),
  minimum: propagatingNaN(tf.minimum),
  arctan2: tf.atan2,
  // Scaled by the larger magnitude, so that neither squares overflow nor underflow.
  hypot: propagatingNaN((a, b) => {
    const big = tf.maximum(tf.abs(a), tf.abs(b));
    const small = tf.minimum(tf.abs(a), tf.abs(b));
    const ratio = tf.where(tf.logicalOr(tf.equal(big, 0), tf.isInf(big)), tf.zerosLike(big), tf.div(small, big));
    return tf.mul(big, tf.sqrt(tf.add(1, tf.square(ratio))));
  }),
  // Equal operands (infinities included, where a - b is NaN) are a + log(2).
  logaddexp: (a, b) => {
    const m = tf.maximum(a, b);
    return tf.where(tf.equal(a, b), tf.add(a, ln2), tf.add(m, tf.log1p(tf.exp(tf.neg(tf.abs(tf.sub(a, b)))))));
  },
  divide_no_nan: tf.divNoNan,
};

const comparisonKernels: Readonly<Record<string, Binary>> = {
  equal: tf.equal,
  not_equal: tf.notEqual,
  greater: tf.greater,
  greater_equal: tf.greaterEqual,
  less: tf.less,
  less_equal: tf.lessEqual,
  logical_and: (a, b) => tf.logicalAnd(truth(a), truth(b)),
  logical_or: (a, b) => tf.logicalOr(truth(a), truth(b)),
  logical_xor: (a, b) => tf.logicalXor(truth(a), truth(b)),
};

const entries = <T>(record: Readonly<Record<string, T>>, kernel: (fn: T) => Kernel): [string, Kernel][] =>
  Object.entries(record).map(([name, fn]) => [`keras.ops.${name}`, kernel(fn)]);

export const elementwiseKernels: Readonly<Record<string, Kernel>> = Object.fromEntries([
  ...entries(unaryKernels, unary),
  ...entries(predicateKernels, (fn) => (call: KernelCall) => fn(call.tensor(call.firstParameter))),
  ...entries(binaryKernels, (fn) => binary(fn)),
  ...entries(comparisonKernels, comparison),
  [
    'keras.ops.heaviside',
    binary((x, h) => tf.where(tf.less(x, 0), tf.zerosLike(x), tf.where(tf.greater(x, 0), tf.onesLike(x), tf.where(tf.equal(x, 0), h, x)))),
  ],
  ['keras.ops.cast', (call: KernelCall) => tf.cast(call.tensor('x'), call.outputDtype)],
]);
