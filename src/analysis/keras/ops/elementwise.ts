// Element-wise ops of keras.ops: one tensor in, its shape out (exp, relu, …), or two broadcast together (add,
// maximum, greater, …). The dtype is Keras's, from the generated table (ops.json).

import { broadcastShapes } from '../../tensor-ops.js';
import { LayerError } from '../rule.js';
import { argument, OpNotKnown, operand, type OpCall, type OpOutput, type OpRule } from './op-rule.js';
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
    const dtype = dtypeOrUnknown(binaryDtype(call.path, a, b), call, `${a.weak ?? a.dtype} and ${b.weak ?? b.dtype} operands`);
    return { shape: broadcastShapes(a.shape, b.shape), dtype };
  },
};

const unaryNames = `abs absolute arccos arccosh arcsin arcsinh arctan arctanh cbrt ceil conj conjugate cos cosh deg2rad exp
exp2 expm1 floor imag isfinite isinf isnan isneginf isposinf log log10 log1p log2 logical_not negative
rad2deg real reciprocal sign signbit sin sinh sqrt square tan tanh trunc bitwise_invert bitwise_not
relu relu6 sigmoid softplus softsign silu swish gelu elu selu leaky_relu hard_sigmoid hard_silu hard_swish log_sigmoid
tanh_shrink celu sparse_plus squareplus soft_shrink hard_shrink hard_tanh sparse_sigmoid erf erfinv rsqrt
stop_gradient copy`.split(/\s+/);

const binaryNames = `add subtract multiply divide true_divide floor_divide mod power maximum minimum arctan2 hypot heaviside
logaddexp equal not_equal greater greater_equal less less_equal logical_and logical_or logical_xor
bitwise_and bitwise_or bitwise_xor left_shift right_shift bitwise_left_shift bitwise_right_shift divide_no_nan
nextafter`.split(/\s+/);

const dtypeNames = new Set([
  'bool',
  'uint8',
  'uint16',
  'uint32',
  'int8',
  'int16',
  'int32',
  'int64',
  'bfloat16',
  'float16',
  'float32',
  'float64',
]);

/** `cast(x, dtype)`: the shape of x, the dtype given (Python's int and float are Keras's int64 and float32). */
const cast: OpRule = {
  compute(call) {
    const x = operand(call, 'x');
    const given = argument(call, 'dtype');
    const dtype = given === 'int' ? 'int64' : given === 'float' ? 'float32' : given;
    if (typeof dtype !== 'string' || !dtypeNames.has(dtype)) throw new LayerError(`Invalid dtype: ${String(given)}`);
    return { shape: x.shape, dtype };
  },
};

export const elementwiseOps: Readonly<Record<string, OpRule>> = Object.fromEntries([
  ['keras.ops.cast', cast],
  ...unaryNames.map((name) => [`keras.ops.${name}`, unary]),
  ...binaryNames.map((name) => [`keras.ops.${name}`, binary]),
]);
