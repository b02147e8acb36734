// Element-wise ops of keras.ops: one tensor in, its shape out (exp, relu, …), or two broadcast together (add,
// maximum, greater, …). The dtype is Keras's, from the generated table (ops.json), or worked out as the op's
// compute_output_spec does (keras/src/ops/numpy.py) where the table has none (clip, cast).

import { broadcastShapes } from '../../tensor-ops.js';
import { LayerError } from '../rule.js';
import { argument, isOperand, OpNotKnown, operand, type OpArgument, type OpCall, type OpOutput, type OpRule } from './op-rule.js';
import { standardizeDtype } from './dtypes.js';
import { binaryDtype, unaryDtype } from './signatures.js';

/** Where the generated table has no dtype, Keras refused the call there, or it was not tried: not known, no error. */
function dtypeOrUnknown(dtype: string | undefined, call: OpCall, given: string): string {
  if (dtype === undefined) throw new OpNotKnown(`the dtype of ${call.path} on ${given} is not known`);
  return dtype;
}

/** The shape of the first tensor parameter, the dtype Keras gives for its dtype. */
export const unary: OpRule = {
  compute(call): OpOutput {
    const [name] = call.arguments.keys();
    const x = operand(call, name!);
    return { shape: x.shape, dtype: dtypeOrUnknown(unaryDtype(call.path, x.dtype), call, `a ${x.dtype} tensor`) };
  },
};

/** The two tensor parameters broadcast together (NumPy's rules), the dtype Keras promotes them to. */
export const binary: OpRule = {
  compute(call): OpOutput {
    const [first, second] = call.arguments.keys();
    const a = operand(call, first!);
    const b = operand(call, second!);
    // Two Python numbers: no symbolic tensor, so the backend computes the op there and then (its dtype, not the table's).
    if (a.weak && b.weak) throw new OpNotKnown(`${call.path} of two Python numbers is computed eagerly by the backend`);
    const dtype = dtypeOrUnknown(binaryDtype(call.path, a, b), call, `${a.weak ?? a.dtype} and ${b.weak ?? b.dtype} operands`);
    return { shape: broadcastShapes(a.shape, b.shape), dtype };
  },
};

const unaryNames = `abs absolute arccos arccosh arcsin arcsinh arctan arctanh cbrt ceil conj conjugate cos cosh deg2rad exp
exp2 expm1 floor imag isfinite isinf isnan isneginf isposinf log log10 log1p log2 logical_not negative
rad2deg real reciprocal sign signbit sin sinh sqrt square tan tanh trunc bitwise_invert bitwise_not
relu relu6 sigmoid softplus softsign silu swish gelu elu selu leaky_relu hard_sigmoid hard_silu hard_swish log_sigmoid
tanh_shrink celu sparse_plus squareplus soft_shrink hard_shrink hard_tanh sparse_sigmoid erf erfinv rsqrt
stop_gradient copy angle fabs i0 isreal sinc round nan_to_num`.split(/\s+/);

const binaryNames = `add subtract multiply divide true_divide floor_divide mod power maximum minimum arctan2 hypot heaviside
logaddexp equal not_equal greater greater_equal less less_equal logical_and logical_or logical_xor
bitwise_and bitwise_or bitwise_xor left_shift right_shift bitwise_left_shift bitwise_right_shift divide_no_nan
nextafter fmax fmin fmod gcd lcm ldexp logaddexp2 isclose`.split(/\s+/);

/** The name of the Python type of an argument, as Python's TypeErrors print it. */
export function pythonType(value: OpArgument | undefined): string {
  if (value === null || value === undefined) return 'NoneType';
  if (isOperand(value)) return value.weak ?? 'KerasTensor';
  if (Array.isArray(value)) return 'tuple';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'string') return 'str';
  return 'dict';
}

/** `cast(x, dtype)`: the shape of x, the dtype given. */
const cast: OpRule = {
  compute(call) {
    const x = operand(call, 'x');
    return { shape: x.shape, dtype: standardizeDtype(argument(call, 'dtype')) };
  },
};

/** `clip(x, x_min, x_max)`: the shape and dtype of x (bool clips to int32); the bounds change neither. */
const clip: OpRule = {
  compute(call) {
    const x = operand(call, 'x');
    return { shape: x.shape, dtype: x.dtype === 'bool' ? 'int32' : x.dtype };
  },
};

/** `isin(x1, x2)`: a bool of x1's shape, whatever x2 is. */
const isin: OpRule = {
  compute(call) {
    const x1 = call.arguments.get('x1');
    const x2 = call.arguments.get('x2');
    if (isOperand(x1) && !x1.weak) return { shape: x1.shape, dtype: 'bool' };
    if (isOperand(x2) && !x2.weak) throw new LayerError(`'${pythonType(x1)}' object has no attribute 'shape'`);
    throw new OpNotKnown(`${call.path} of Python values is computed eagerly by the backend`);
  },
};

/** `allclose(x1, x2)`: one bool, without a look at the shapes (Keras checks none). */
const allclose: OpRule = {
  compute() {
    return { shape: [], dtype: 'bool' };
  },
};

export const elementwiseOps: Readonly<Record<string, OpRule>> = Object.fromEntries([
  ['keras.ops.cast', cast],
  ['keras.ops.clip', clip],
  ['keras.ops.isin', isin],
  ['keras.ops.allclose', allclose],
  ...unaryNames.map((name) => [`keras.ops.${name}`, unary]),
  ...binaryNames.map((name) => [`keras.ops.${name}`, binary]),
]);
