// keras.ops that make tensors from sizes and values: arange, linspace & co., eye, tri, full, the *_like ops,
// meshgrid, histogram, bincount, corrcoef and the window functions (keras/src/ops/numpy.py).
// With a tensor among the operands Keras's compute_output_spec decides (a symbolic call); with Python numbers only,
// Keras calls the backend at once, and the result is what JAX makes of them (64-bit dtypes are 32-bit there).

import type { JsonValue } from '../../../graph/ir.js';
import { isKnown, symbolic, type Dim } from '../../../graph/shape.js';
import { broadcastShapes } from '../../tensor-ops.js';
import { LayerError } from '../rule.js';
import { argument, isOperand, OpNotKnown, type OpCall, type Operand, type OpOutput, type OpRule } from './op-rule.js';
import {
  canonicalAxis,
  dimProduct,
  operandList,
  promote,
  pythonNumber,
  strongOperand,
  symbolicArgument,
  tensorArgument,
  unaryOpDtype,
} from './products-common.js';
import { createdDtype, dtypeArgument } from './dtypes.js';

const pythonFloat: Operand = { shape: [], dtype: 'float32', weak: 'float' };

const creatable = new Set([
  'bool',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
  'int8',
  'int16',
  'int32',
  'int64',
  'bfloat16',
  'float16',
  'float32',
  'float64',
]);

/** The dtype of a tensor the backend creates: the `dtype` argument, else `fallback` (Keras's floatx). */
function createdTensorDtype(call: OpCall, fallback: string | null = 'float32'): string {
  const dtype = dtypeArgument(call) ?? fallback;
  if (dtype === null || !creatable.has(dtype)) throw new OpNotKnown(`${call.path} with dtype ${String(dtype)} is not analysed`);
  return createdDtype(dtype);
}

/** A non-negative Python int size; Keras's TypeError for a float where it checks, else not known (the backend's errors). */
function sizeArgument(call: OpCall, name: string, floatError?: string): number {
  const size = pythonNumber(call, name);
  if (size === null) throw new OpNotKnown(`\`${name}\` of ${call.path} is None`);
  if (size.type === 'float' && floatError) throw new LayerError(floatError);
  if (size.type === 'float' || size.value < 0) throw new OpNotKnown(`a size of ${size.value} for ${call.path} is refused by the backend`);
  return size.value;
}

/** `eye(N, M)`, `tri(N, M)`: an N × M matrix (M defaults to N). */
function matrixRule(floatErrors: { N?: string; M?: string }): OpRule {
  return {
    compute(call): OpOutput {
      const n = sizeArgument(call, 'N', floatErrors.N);
      const m = pythonNumber(call, 'M') === null ? n : sizeArgument(call, 'M', floatErrors.M);
      if (pythonNumber(call, 'k')?.type !== 'int') throw new OpNotKnown(`\`k\` of ${call.path} is not an int`);
      return { shape: [n, m], dtype: createdTensorDtype(call) };
    },
  };
}

const identity: OpRule = {
  compute(call): OpOutput {
    const n = sizeArgument(call, 'n');
    return { shape: [n, n], dtype: createdTensorDtype(call) };
  },
};

/** `arange(stop)`, `arange(start, stop[, step])` of Python numbers: ceil((stop - start) / step) values. */
const arange: OpRule = {
  compute(call): OpOutput {
    const given = ['start', 'stop', 'step'].map((name) => pythonNumber(call, name));
    const [first, second, third] = given.map((n) => n?.value ?? null);
    if (first === null || first === undefined) throw new OpNotKnown('arange with `start` None is not analysed');
    const [start, stop] = second === null || second === undefined ? [0, first] : [first, second];
    const step = third ?? 1;
    if (step === 0) throw new LayerError('division by zero');
    const anyFloat = given.some((n) => n?.type === 'float');
    const dtype = createdTensorDtype(call, anyFloat ? 'float32' : 'int32');
    if (dtype === 'bool') throw new OpNotKnown('arange with dtype bool is refused by the backend');
    return { shape: [Math.max(0, Math.ceil((stop - start) / step))], dtype };
  },
};

/** `num` of linspace & co. as a size of a symbolic tensor: None stays None; Keras's errors for what no shape holds. */
function numDim(call: OpCall, shape: (num: string) => string): Dim {
  const num = pythonNumber(call, 'num');
  if (num === null) return null;
  if (num.type === 'float') {
    throw new LayerError(
      `Cannot convert '${shape(String(num.value))}' to a shape. Found invalid dimension '${num.value}' of type '<class 'float'>'. `,
    );
  }
  if (num.value < 0) throw new LayerError(`Cannot convert '${shape(String(num.value))}' to a shape. Negative dimensions are not allowed.`);
  return num.value;
}

/** linspace, logspace, geomspace: `num` samples inserted at `axis` of the broadcast shape of start and stop. */
const spaced: OpRule = {
  compute(call) {
    const start = tensorArgument(call, 'start');
    const stop = tensorArgument(call, 'stop');
    const retstep = argument(call, 'retstep') === true;
    const name = call.path.slice(call.path.lastIndexOf('.') + 1);
    if (start.weak && stop.weak) {
      const num = sizeArgument(call, 'num');
      const axis = argument(call, 'axis');
      if (axis !== 0 && axis !== -1)
        throw new OpNotKnown(`${call.path} of Python numbers on axis ${String(axis)} is refused by the backend`);
      const output = { shape: [num], dtype: createdTensorDtype(call) };
      if (!retstep) return output;
      if (argument(call, 'dtype') !== null) throw new OpNotKnown('the dtype of the step linspace returns is not known');
      return { tuple: [output, { shape: [], dtype: 'float32' }] };
    }
    const base = broadcastShapes(start.shape, stop.shape);
    const axis = canonicalAxis(argument(call, 'axis'), base.length + 1);
    const around = (num: string): string => {
      const dims = [...base.map((d) => (d === null ? 'None' : isKnown(d) ? String(d) : d.symbol))];
      dims.splice(axis, 0, num);
      return dims.length === 1 ? `(${dims[0]},)` : `(${dims.join(', ')})`;
    };
    const shape = [...base];
    shape.splice(axis, 0, numDim(call, around));
    const dtype = promote(call, dtypeArgument(call) ?? strongOperand(start), pythonFloat);
    if (retstep) {
      throw new LayerError(
        `All operation outputs must be tensors. Operation <Operation name=${name}> returned a non-tensor. Non-tensor received: None`,
      );
    }
    return { shape, dtype };
  },
};

/** A `shape` argument: an int or a tuple of ints (a size known only at run time by its name). */
function shapeArgument(call: OpCall): Dim[] {
  const given = call.arguments.get('shape');
  if (isOperand(given) && !given.weak) throw new OpNotKnown(`a shape given to ${call.path} as a tensor is not analysed`);
  const value = argument(call, 'shape');
  const items: JsonValue[] = Array.isArray(value) ? value : [value];
  return items.map((d) => {
    if (typeof d === 'string') return symbolic(d);
    if (typeof d !== 'number' || !Number.isInteger(d) || d < 0) {
      throw new OpNotKnown(`a size of ${JSON.stringify(d)} in the shape of ${call.path} is not analysed`);
    }
    return d;
  });
}

const full: OpRule = {
  compute(call): OpOutput {
    const fill = call.arguments.get('fill_value');
    const shape = shapeArgument(call);
    // A tensor fill value makes the call symbolic, where the dtype given is kept as it is.
    if (isOperand(fill) && !fill.weak) return { shape, dtype: dtypeArgument(call) ?? 'float32' };
    return { shape, dtype: createdTensorDtype(call) };
  },
};

const empty: OpRule = {
  compute: (call) => ({ shape: shapeArgument(call), dtype: createdTensorDtype(call) }),
};

/** The shape of a nested list of numbers and bools, or OpNotKnown where it is ragged or holds something else. */
function literalShape(value: JsonValue, call: OpCall): Dim[] {
  if (typeof value === 'number' || typeof value === 'boolean') return [];
  if (!Array.isArray(value)) throw new OpNotKnown(`${call.path} of ${JSON.stringify(value)} is not analysed`);
  if (value.length === 0) return [0];
  const inner = value.map((v) => literalShape(v, call));
  if (!inner.every((s) => s.length === inner[0]!.length && s.every((d, i) => d === inner[0]![i])))
    throw new OpNotKnown(`a ragged list for ${call.path} is not analysed`);
  return [value.length, ...inner[0]!];
}

/** JAX's dtype of a nested list: bool, or int32, or float32 where one number is not an integer (1.0 reads as 1 here). */
function literalDtype(value: JsonValue): string | undefined {
  const leaves = [value].flat(Infinity as 1) as JsonValue[];
  if (leaves.length > 0 && leaves.every((v) => typeof v === 'boolean')) return 'bool';
  return leaves.some((v) => typeof v === 'number' && !Number.isInteger(v)) ? 'float32' : undefined;
}

/** array, ones_like, zeros_like, empty_like, full_like: the shape of `x`, the dtype given or that of `x`. */
const likeRule: OpRule = {
  compute(call): OpOutput {
    const x = call.arguments.get('x');
    const fill = call.arguments.get('fill_value');
    if (isOperand(x) && x.weak && isOperand(fill) && !fill.weak)
      throw new OpNotKnown('full_like of a Python number and a tensor fill value');
    if (isOperand(x) && !x.weak) return { shape: x.shape, dtype: dtypeArgument(call) ?? unaryOpDtype(call, x) };
    const given = argument(call, 'dtype') === null ? undefined : createdTensorDtype(call, null);
    if (isOperand(x)) return { shape: [], dtype: given ?? (x.weak === 'int' ? 'int32' : 'float32') };
    const shape = literalShape(x as JsonValue, call);
    const dtype = given ?? literalDtype(x as JsonValue);
    if (dtype === undefined) throw new OpNotKnown(`the dtype of ${call.path} of a list of numbers is not known (1 and 1.0 read alike)`);
    return { shape, dtype };
  },
};

/** Exported on its own: the runtime does not bind its `*x` yet (see products.ts). */
export const meshgrid: OpRule = {
  compute(call) {
    const tensors = operandList(call, 'x');
    if (!tensors || tensors.length === 0 || tensors.some((x) => x.weak)) {
      throw new OpNotKnown('meshgrid of no tensors or of Python numbers is not analysed');
    }
    const indexing = argument(call, 'indexing');
    if (indexing !== 'xy' && indexing !== 'ij') {
      throw new LayerError("Valid values for `indexing` are 'xy' and 'ij', but received {index}.");
    }
    const sizes = tensors.map((x) => dimProduct(x.shape));
    // Keras's KerasTensor default dtype (floatx) for 'ij'; the dtype of the last input for 'xy'.
    if (indexing === 'ij') return { list: tensors.map(() => ({ shape: sizes, dtype: 'float32' })) };
    if (sizes.length < 2) throw new LayerError('list index out of range');
    [sizes[0], sizes[1]] = [sizes[1]!, sizes[0]!];
    return { list: tensors.map(() => ({ shape: sizes, dtype: tensors.at(-1)!.dtype })) };
  },
};

const histogram: OpRule = {
  compute(call) {
    const x = symbolicArgument(call, 'x');
    const bins = pythonNumber(call, 'bins');
    if (bins?.type !== 'int')
      throw new LayerError(`Argument \`bins\` must be of type \`int\`. Received: bins=${bins ? bins.value : 'None'}`);
    if (bins.value < 0) throw new LayerError(`Argument \`bins\` should be a non-negative integer. Received: bins=${bins.value}`);
    const range = argument(call, 'range');
    if (Array.isArray(range) && range.length > 0) {
      const text = `(${range.map(String).join(', ')})`;
      if (range.length < 2) throw new LayerError(`Argument \`range\` must be a tuple of two elements. Received: range=${text}`);
      if ((range[1] as number) < (range[0] as number)) {
        throw new LayerError(`The second element of \`range\` must be greater than the first. Received: range=${text}`);
      }
    }
    return {
      tuple: [
        { shape: [bins.value], dtype: x.dtype },
        { shape: [bins.value + 1], dtype: x.dtype },
      ],
    };
  },
};

const bincount: OpRule = {
  compute(call): OpOutput {
    const x = symbolicArgument(call, 'x');
    // Keras converts `weights` to a backend tensor, which a symbolic tensor refuses and an eager one takes.
    if ((call.arguments.get('weights') ?? null) !== null) throw new OpNotKnown('bincount with `weights` is not analysed');
    return { shape: [...x.shape.slice(0, -1), null], dtype: 'int32' };
  },
};

const corrcoef: OpRule = {
  compute(call): OpOutput {
    const x = symbolicArgument(call, 'x');
    return { shape: x.shape, dtype: unaryOpDtype(call, x) };
  },
};

/** bartlett, blackman, hamming, hanning, kaiser: a window of the length given, cast to floatx. */
const windowRule: OpRule = {
  compute(call): OpOutput {
    const length = call.arguments.get('x');
    if (isOperand(length) && !length.weak) {
      // A symbolic tensor raises a TypeError; an eager one has a value this analysis does not know.
      throw new OpNotKnown(`${call.path} needs the window length as a Python int (it does not take a symbolic tensor)`);
    }
    return { shape: [sizeArgument(call, 'x')], dtype: 'float32' };
  },
};

const names = (list: string): string[] => list.split(/\s+/).map((name) => `keras.ops.${name}`);

export const creationOps: Readonly<Record<string, OpRule>> = {
  'keras.ops.arange': arange,
  'keras.ops.eye': matrixRule({
    N: 'Argument `N` must be an integer or an integer tensor.',
    M: 'Argument `M` must be an integer, an integer tensor, or `None`.',
  }),
  'keras.ops.tri': matrixRule({}),
  'keras.ops.identity': identity,
  'keras.ops.full': full,
  'keras.ops.empty': empty,
  'keras.ops.histogram': histogram,
  'keras.ops.bincount': bincount,
  'keras.ops.corrcoef': corrcoef,
  ...Object.fromEntries(names('linspace logspace geomspace').map((path) => [path, spaced])),
  ...Object.fromEntries(names('array ones_like zeros_like empty_like full_like').map((path) => [path, likeRule])),
  ...Object.fromEntries(names('bartlett blackman hamming hanning kaiser').map((path) => [path, windowRule])),
};
