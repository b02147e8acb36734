// Keras's dtype arguments (`keras.backend.standardize_dtype`), read the same way by every op family. Where Keras's
// answer depends on the backend the user runs (Python's `int` is int64 on TensorFlow and int32 on JAX and PyTorch;
// a tensor the backend creates keeps 64 bits on TensorFlow, not on JAX without x64), the dtype is not known.

import type { JsonValue } from '../../../graph/ir.js';
import { LayerError } from '../rule.js';
import { argument, OpNotKnown, type OpCall } from './op-rule.js';

/** keras.backend's ALLOWED_DTYPES. */
const allowedDtypes: ReadonlySet<string> = new Set(
  'float16 float32 float64 uint8 uint16 uint32 uint64 int8 int16 int32 int64 bfloat16 bool string float8_e4m3fn float8_e5m2 complex64 complex128'.split(
    ' ',
  ),
);

/**
 * The analysis reads Python's type `float` (a dtype: float32) and the string "float" (Keras's "Invalid dtype") alike,
 * as "float"; so for `str` and `complex`. `int` is either way backend-dependent.
 */
const unknownDtypeNames: Readonly<Record<string, string>> = {
  int: 'Python\'s `int` (and "int") is int64 on the TensorFlow backend and int32 on JAX and PyTorch',
  float: 'Python\'s type `float` is float32, the string "float" is no dtype Keras knows, and which one is given is not known',
  str: 'Python\'s type `str` is a dtype (string), the string "str" is not, and which one is given is not known',
  complex: '`complex` is complex128 on the TensorFlow backend and complex64 on the others',
};

/** `standardize_dtype` of a dtype argument: None is floatx (float32), a name Keras does not know raises. */
export function standardizeDtype(given: JsonValue): string {
  if (given === null) return 'float32';
  if (typeof given === 'string' && given in unknownDtypeNames) throw new OpNotKnown(`dtype ${given}: ${unknownDtypeNames[given]}`);
  if (typeof given !== 'string' || !allowedDtypes.has(given)) throw new LayerError(`Invalid dtype: ${String(given)}`);
  return given;
}

/** The call's `dtype` argument standardized, or null when it is None. */
export function dtypeArgument(call: OpCall, name = 'dtype'): string | null {
  const value = argument(call, name);
  return value === null ? null : standardizeDtype(value);
}

/** The dtype of a tensor the backend creates at once (`arange(3)`): 64-bit dtypes are 32-bit on JAX, not on TensorFlow. */
export function createdDtype(dtype: string): string {
  if (/64$/.test(dtype)) throw new OpNotKnown(`a ${dtype} tensor made by the backend is ${dtype} on TensorFlow and 32-bit on JAX`);
  return dtype;
}
