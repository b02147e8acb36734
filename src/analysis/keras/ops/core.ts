// keras.ops of the core family (keras/src/ops/core.py): each op's output shapes and dtypes as Keras's compute_output_spec gives them.
// The ops that take Python callables (map, scan, fori_loop, while_loop, switch, cond, …) are not modelled: their
// callables are not read.

import type { JsonValue } from '../../../graph/ir.js';
import { formatDim, formatShape, isSymbolic, type Dim, type Shape } from '../../../graph/shape.js';
import { bool, int, none, str, tuple, type Value } from '../../values.js';
import { LayerError } from '../rule.js';
import { pythonRepr } from '../rules/util.js';
import { standardizeDtype } from './dtypes.js';
import { pythonType } from './elementwise.js';
import { argument, isOperand, OpNotKnown, operand, type OpArgument, type OpCall, type OpOutput, type OpRule } from './op-rule.js';

/** The JSON value of a parameter that Keras reads as a Python value; a tensor there is not analysed. */
export function literal(call: OpCall, name: string): JsonValue {
  const value = call.arguments.get(name);
  const tensor = isOperand(value) ? value.value === undefined : Array.isArray(value) && value.some((v) => isOperand(v as OpArgument));
  if (tensor) throw new OpNotKnown(`\`${name}\` of ${call.path} is a tensor, whose value is not known`);
  return argument(call, name);
}

/** An int parameter (or None, when `optional`); a tensor, a size known only at run time or a float is not analysed. */
export function intArgument(call: OpCall, name: string): number;
export function intArgument(call: OpCall, name: string, optional: true): number | null;
export function intArgument(call: OpCall, name: string, optional = false): number | null {
  const value = literal(call, name);
  if (value === null && optional) return null;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  throw new OpNotKnown(`\`${name}\` of ${call.path} is ${pythonRepr(value)}, not an int`);
}

/** A size Keras computes with: a size known only at run time cannot be. */
export function sizeOf(dim: Dim, what: string): number | null {
  if (isSymbolic(dim)) throw new OpNotKnown(`${what} is ${formatDim(dim)}, a size known only at run time, which is not analysed`);
  return dim;
}

/** Python's repr of a list of sizes: `[None, 16]`. */
export function listRepr(shape: Shape): string {
  return `[${shape.map(formatDim).join(', ')}]`;
}

/**
 * Keras `standardize_shape` of a shape given as a Python value (`shape` of scatter, `output_shape` of scale_and_translate).
 * Its messages print the shape as a tuple, which it is by then on the JAX backend.
 */
export function standardizeShape(given: JsonValue): Dim[] {
  if (given === null) throw new LayerError('Undefined shapes are not supported.');
  if (!Array.isArray(given)) {
    if (typeof given === 'number' || typeof given === 'boolean') throw new LayerError(`Cannot convert '${pythonRepr(given)}' to a shape.`);
    throw new OpNotKnown(`the shape ${pythonRepr(given)} is not analysed`);
  }
  return given.map((d) => {
    if (d === null) return null;
    if (typeof d === 'number' && !Number.isInteger(d)) {
      throw new LayerError(`Cannot convert '${pythonRepr(given)}' to a shape. Found invalid dimension '${d}' of type '<class 'float'>'. `);
    }
    if (typeof d !== 'number') throw new OpNotKnown(`the size ${pythonRepr(d)} of the shape ${pythonRepr(given)} is not analysed`);
    if (d < 0) throw new LayerError(`Cannot convert '${pythonRepr(given)}' to a shape. Negative dimensions are not allowed.`);
    return d;
  });
}

/** A size as the Python value `x.shape` gives (see dimValue in layer-runtime.ts). */
function sizeValue(dim: Dim): Value {
  if (dim === null) return none;
  if (isSymbolic(dim)) return { kind: 'symint', symbol: dim.symbol };
  return int(dim);
}

/** A tensor (not a Python number) for `name`: Keras reads its `.shape` or `.dtype`. */
function tensorOperand(call: OpCall, name: string, attribute: string) {
  const x = operand(call, name);
  if (x.weak) throw new LayerError(`'${x.weak}' object has no attribute '${attribute}'`);
  return x;
}

/** `convert_to_tensor(x, dtype)`: x's shape, the dtype given or x's (a Python int or float is int32 or float32). */
const convertToTensor: OpRule = {
  compute(call) {
    const given = call.arguments.get('x');
    const dtype = argument(call, 'dtype');
    if (isOperand(given)) return { shape: given.shape, dtype: dtype === null ? given.dtype : standardizeDtype(dtype) };
    if (typeof given === 'boolean') return { shape: [], dtype: dtype === null ? 'bool' : standardizeDtype(dtype) };
    throw new OpNotKnown(`${call.path} of a Python ${Array.isArray(given) ? 'sequence' : 'value'} is not analysed`);
  },
};

/** `cast` that clips to the target's range first: the shape of x, the dtype given. */
const saturateCast: OpRule = {
  compute(call) {
    const x = tensorOperand(call, 'x', 'dtype');
    return { shape: x.shape, dtype: standardizeDtype(argument(call, 'dtype')) };
  },
};

/** `slice(inputs, start_indices, shape)`: the shape given, where -1 takes the rest of the axis after its start. */
const slice: OpRule = {
  compute(call) {
    const inputs = operand(call, 'inputs');
    const start = call.arguments.get('start_indices');
    const shape = literal(call, 'shape');
    if (!Array.isArray(shape)) {
      const type = pythonType(shape);
      if (type === 'str' || type === 'dict') throw new OpNotKnown(`\`shape\` ${pythonRepr(shape)} is not analysed`);
      throw new LayerError(`object of type '${type}' has no len()`);
    }
    if (shape.length !== inputs.shape.length) {
      throw new LayerError(
        'The number of dimensions in `inputs` must match the number of dimensions in `shape`. ' +
          `Received inputs.shape=${formatShape(inputs.shape)} and shape=${pythonRepr(shape)}`,
      );
    }
    if (Array.isArray(start) && start.length !== inputs.shape.length) {
      throw new LayerError(
        'The number of dimensions in `start_indices` must match the number of dimensions in `inputs`. ' +
          `Received start_indices=${pythonRepr(literal(call, 'start_indices'))} and inputs.shape=${formatShape(inputs.shape)}`,
      );
    }
    const final = shape.map((size, i): Dim => {
      if (size !== -1) {
        if (size === null || (typeof size === 'number' && Number.isInteger(size))) return size;
        throw new OpNotKnown(`the size ${pythonRepr(size)} of \`shape\` is not analysed`);
      }
      if (isOperand(start) && start.weak) throw new LayerError(`'${start.weak}' object is not subscriptable`);
      const dim = sizeOf(inputs.shape[i]!, `axis ${i} of inputs`);
      if (isOperand(start) || dim === null) return null;
      const offset = Array.isArray(start) ? start[i] : undefined;
      if (typeof offset !== 'number' || !Number.isInteger(offset)) throw new OpNotKnown(`start index ${i} of ${call.path} is not known`);
      return dim - offset;
    });
    if (final.some((d) => typeof d === 'number' && d < 0)) {
      throw new LayerError(`Cannot convert '${formatShape(final)}' to a shape. Negative dimensions are not allowed.`);
    }
    return { shape: final, dtype: inputs.dtype };
  },
};

/** The shape and dtype of `inputs` (slice_update, scatter_update). */
const likeInputs: OpRule = {
  compute(call) {
    const inputs = operand(call, 'inputs');
    return { shape: inputs.shape, dtype: inputs.dtype };
  },
};

const reductions = ['add', 'max', 'min', 'mul'];

const scatterUpdate: OpRule = {
  compute(call) {
    const reduction = literal(call, 'reduction');
    if (reduction !== null) {
      if (typeof reduction !== 'string') throw new LayerError(`'${pythonType(reduction)}' object has no attribute 'lower'`);
      if (!reductions.includes(reduction.toLowerCase())) {
        throw new LayerError(`Invalid reduction: ${reduction.toLowerCase()}. Supported values are: None, 'add', 'max', 'min', 'mul'.`);
      }
    }
    return likeInputs.compute(call);
  },
};

/** `scatter(indices, values, shape)`: a tensor of the shape given, of the dtype of values. */
const scatter: OpRule = {
  compute(call) {
    const values = tensorOperand(call, 'values', 'dtype');
    return { shape: standardizeShape(literal(call, 'shape')), dtype: values.dtype };
  },
};

/** More outputs than this are not made (a list of thousands of tensors is no use to read). */
const maxUnstacked = 4096;

/** `unstack(x, num, axis)`: num tensors of x's shape without the axis. */
const unstack: OpRule = {
  compute(call) {
    const x = operand(call, 'x');
    const rank = x.shape.length;
    const axis = intArgument(call, 'axis');
    if (axis < -rank || axis >= rank) throw new LayerError(`axis ${axis} is out of bounds for an array with dimension ${rank}.`);
    const resolved = axis < 0 ? axis + rank : axis;
    const num = intArgument(call, 'num', true) ?? sizeOf(x.shape[resolved]!, `axis ${axis} of x`);
    if (num === null) {
      throw new LayerError(
        `Cannot infer argument \`num\` from shape ${formatShape(x.shape)}. Either provide a tensor with a concrete shape ` +
          'in the `axis` dimension or explicitly pass the `num` argument.',
      );
    }
    if (num > maxUnstacked) throw new OpNotKnown(`unstacking into ${num} tensors is not analysed`);
    const output: OpOutput = { shape: x.shape.filter((_, i) => i !== resolved), dtype: x.dtype };
    return { list: Array.from({ length: Math.max(0, num) }, () => output) };
  },
};

/** `shape(x)`: x.shape, a tuple of ints and Nones. */
const shape: OpRule = {
  compute(call) {
    return { python: tuple(tensorOperand(call, 'x', 'shape').shape.map(sizeValue)) };
  },
};

/** `dtype(x)`: the standardized name of x's dtype. */
const dtype: OpRule = {
  compute(call) {
    return { python: str(tensorOperand(call, 'x', 'dtype').dtype) };
  },
};

/**
 * `is_tensor(x)`: whether x is a tensor of the backend. A Python value is not; a symbolic tensor (KerasTensor) is not
 * either, but a tensor computed eagerly is, and the operand does not say which it is.
 */
const isTensor: OpRule = {
  compute(call) {
    const x = call.arguments.get('x');
    if (isOperand(x) && x.weak === undefined)
      throw new OpNotKnown('whether the tensor is a backend tensor (eager) or a KerasTensor is not known');
    return { python: bool(false) };
  },
};

export const coreOps: Readonly<Record<string, OpRule>> = {
  'keras.ops.convert_to_tensor': convertToTensor,
  'keras.ops.saturate_cast': saturateCast,
  'keras.ops.slice': slice,
  'keras.ops.slice_update': likeInputs,
  'keras.ops.scatter': scatter,
  'keras.ops.scatter_update': scatterUpdate,
  'keras.ops.unstack': unstack,
  'keras.ops.shape': shape,
  'keras.ops.dtype': dtype,
  'keras.ops.is_tensor': isTensor,
};
