// Reductions of keras.ops over `axis` (an int, a tuple, or None for every axis; negative from the end), with
// `keepdims`: sum, mean, max, argmax, std, nanmedian, percentile, …; and the cumulative ops (cumsum, nancumprod, …)
// and trapezoid. Shapes as each op's compute_output_spec gives them (keras/src/ops/numpy.py, through
// operation_utils.reduce_shape); the dtype is Keras's for the input's, from ops.json, unless a `dtype` is given.

import type { JsonValue } from '../../../graph/ir.js';
import { formatDim, formatShape, isKnown, isSymbolic, sameDim, type Dim, type Shape } from '../../../graph/shape.js';
import { LayerError } from '../rule.js';
import { standardizeDtype } from './dtypes.js';
import { pythonType } from './elementwise.js';
import {
  argument,
  isOperand,
  OpNotKnown,
  operand,
  type OpArgument,
  type OpCall,
  type Operand,
  type OpOutput,
  type OpRule,
} from './op-rule.js';
import { resultType, unaryDtype } from './signatures.js';

/** `axis` as non-negative axes of a rank-`rank` tensor, or null for all of them. */
export function reductionAxes(value: JsonValue, rank: number, call: OpCall): number[] | null {
  if (value === null) return null;
  const list = Array.isArray(value) ? value : [value];
  return list.map((axis) => {
    if (typeof axis !== 'number' || !Number.isInteger(axis))
      throw new LayerError(`${call.path}: \`axis\` must be an int or a tuple of ints`);
    if (axis < -rank || axis >= rank) {
      throw new LayerError(`axis ${axis} is out of bounds for array of dimension ${rank}`);
    }
    return axis < 0 ? axis + rank : axis;
  });
}

export function reducedShape(shape: Shape, axes: readonly number[] | null, keepdims: boolean): Shape {
  const out: Dim[] = [];
  shape.forEach((dim, i) => {
    const reduced = axes === null || axes.includes(i);
    if (!reduced) out.push(dim);
    else if (keepdims) out.push(1);
  });
  return out;
}

// ---- Python's view of the arguments ---------------------------------------------------------------------------

/** A tensor given where Keras takes a Python value (an axis): what Keras does with it is not modelled. */
function notATensor(value: unknown, call: OpCall, name: string): void {
  if (
    (isOperand(value as OpArgument) && !(value as Operand).weak) ||
    (Array.isArray(value) && value.some((v) => isOperand(v as OpArgument)))
  ) {
    throw new OpNotKnown(`a tensor as \`${name}\` of ${call.path} is not analysed`);
  }
}

/** Python's `operator.index`: an int (a bool is one) as itself, a TypeError for anything else. */
function pythonIndex(value: unknown): number {
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (isOperand(value as OpArgument) && (value as Operand).weak === 'int') return (value as Operand).value!;
  throw new LayerError(`'${pythonType(value as OpArgument)}' object cannot be interpreted as an integer`);
}

/** Python's truth value of a flag such as `keepdims`. */
function truthy(value: JsonValue): boolean {
  if (value === null) return false;
  if (Array.isArray(value) || typeof value === 'string') return value.length > 0;
  if (typeof value === 'object') return Object.keys(value).length > 0;
  return Boolean(value);
}

function keepdimsOf(call: OpCall): boolean {
  return truthy(argument(call, 'keepdims'));
}

/** Keras's canonicalize_axis, with its message. */
function canonicalAxis(axis: number, rank: number): number {
  if (axis < -rank || axis >= rank) throw new LayerError(`axis ${axis} is out of bounds for an array with dimension ${rank}.`);
  return axis < 0 ? axis + rank : axis;
}

/** The axes reduce_shape iterates: an int (or bool) alone, else the items of the value (a float raises). */
function axisItems(value: OpArgument | undefined, call: OpCall): readonly unknown[] | null {
  if (value === null || value === undefined) return null;
  notATensor(value, call, 'axis');
  if (isOperand(value)) {
    if (value.weak === 'float') throw new LayerError(`'float' object is not iterable`);
    return [value];
  }
  if (typeof value === 'number' || typeof value === 'boolean') return [value];
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return [...value];
  return Object.keys(value);
}

/**
 * Keras's reduce_shape (operation_utils.py), quirks included: with keepdims false it deletes each axis in turn from
 * the highest, so a repeated axis deletes two dimensions (or raises when none is left there).
 */
function reduceShape(shape: Shape, items: readonly unknown[] | null, keepdims: boolean): Shape {
  if (items === null) return keepdims ? shape.map(() => 1) : [];
  const axes = items.map((item) => canonicalAxis(pythonIndex(item), shape.length));
  const out: Dim[] = [...shape];
  if (keepdims) {
    for (const axis of axes) out[axis] = 1;
    return out;
  }
  for (const axis of [...axes].sort((a, b) => b - a)) {
    if (axis >= out.length) throw new LayerError('list assignment index out of range');
    out.splice(axis, 1);
  }
  return out;
}

// ---- dtypes ---------------------------------------------------------------------------------------------------

function tableDtype(call: OpCall, x: Operand): string {
  const dtype = unaryDtype(call.path, x.dtype);
  if (dtype === undefined) throw new OpNotKnown(`the dtype of ${call.path} on a ${x.dtype} tensor is not known`);
  return dtype;
}

type DtypeRule = (call: OpCall, x: Operand) => string;

/** `prod(x, dtype=...)`: the dtype given, standardized, as is. */
const givenOrTable: DtypeRule = (call, x) => {
  const given = argument(call, 'dtype');
  return given === null ? tableDtype(call, x) : standardizeDtype(given);
};

/** `cumsum(x, dtype=...)`: the dtype given, standardized; bool accumulates as int32. */
const givenAccumulator: DtypeRule = (call, x) => {
  const given = argument(call, 'dtype');
  if (given === null) return tableDtype(call, x);
  const dtype = standardizeDtype(given);
  return dtype === 'bool' ? 'int32' : dtype;
};

/** `nancumsum(x, dtype=...)`: the same, but Keras compares the dtype as given: Python's `bool` stays bool, "bool" is int32. */
const givenRawAccumulator: DtypeRule = (call, x) => {
  if (argument(call, 'dtype') === 'bool') {
    throw new OpNotKnown(
      `${call.path} with dtype bool: Python's \`bool\` gives bool and the string "bool" int32; which one is given is not known`,
    );
  }
  return givenAccumulator(call, x);
};

// ---- the rules ------------------------------------------------------------------------------------------------

/** The tensor the op reduces. A Python number there is computed eagerly, as a 0-d tensor of its weak type. */
function input(call: OpCall): Operand {
  return operand(call, [...call.arguments.keys()][0]!);
}

/** x, axis, keepdims through reduce_shape; `axisOf` is what the op's Operation hands reduce_shape. */
function reduction(dtype: DtypeRule = tableDtype, axisOf = (call: OpCall) => axisItems(call.arguments.get('axis'), call)): OpRule {
  return {
    compute(call): OpOutput {
      const x = input(call);
      return { shape: reduceShape(x.shape, axisOf(call), keepdimsOf(call)), dtype: dtype(call, x) };
    },
  };
}

/** nanargmax and nanargmin wrap `axis` in a list: an int only. */
const singleAxis = (call: OpCall): unknown[] | null => {
  const axis = call.arguments.get('axis');
  if (axis === null || axis === undefined) return null;
  notATensor(axis, call, 'axis');
  return [axis];
};

/** percentile and the like: reduce_shape, then one leading dimension per `q` when q is a tensor of rank > 0 or a list. */
function quantiles(listOfOne: 'prepends' | 'does not prepend'): OpRule {
  return {
    compute(call) {
      const x = operand(call, 'x');
      if (x.weak) throw new OpNotKnown(`${call.path} of a Python number is not analysed`);
      const q = call.arguments.get('q');
      const shape = reduceShape(x.shape, axisItems(call.arguments.get('axis'), call), keepdimsOf(call));
      let leading: Dim[] = [];
      if (isOperand(q) && !q.weak && q.shape.length > 0) leading = [q.shape[0]!];
      else if (Array.isArray(q) && (q.length > 1 || (q.length === 1 && listOfOne === 'prepends'))) leading = [q.length];
      return { shape: [...leading, ...shape], dtype: tableDtype(call, x) };
    },
  };
}

/** The flattened shape: its size when every dimension is known, None when one is None. */
function flattened(shape: Shape, call: OpCall): Shape {
  if (shape.includes(null)) return [null];
  if (shape.some(isSymbolic)) throw new OpNotKnown(`the size of a flattened ${formatShape(shape)} tensor (${call.path}) is not known`);
  return [(shape as number[]).reduce((a, b) => a * b, 1)];
}

/** cumsum and the like: flattened without an axis; else x's shape (cumsum and cumprod check the axis, the nan ones do not). */
function cumulative(axisCheck: 'checked' | 'unchecked', dtype: DtypeRule): OpRule {
  return {
    compute(call) {
      const x = operand(call, 'x');
      const axis = call.arguments.get('axis');
      if (axis === null || axis === undefined) return { shape: flattened(x.shape, call), dtype: dtype(call, x) };
      if (axisCheck === 'checked') {
        notATensor(axis, call, 'axis');
        canonicalAxis(pythonIndex(axis), x.shape.length);
      }
      return { shape: x.shape, dtype: dtype(call, x) };
    },
  };
}

/** `trapezoid(y, x, dx, axis)`: y without `axis` (taken modulo its rank); x and dx change nothing. */
const trapezoid: OpRule = {
  compute(call) {
    const y = operand(call, 'y');
    const axis = call.arguments.get('axis');
    const shape = [...y.shape];
    if (axis !== null && axis !== undefined && shape.length > 0) {
      notATensor(axis, call, 'axis');
      if (isOperand(axis) && axis.weak === 'float') throw new LayerError(`'float' object cannot be interpreted as an integer`);
      if (!(isOperand(axis) || typeof axis === 'number' || typeof axis === 'boolean')) {
        throw new LayerError(`unsupported operand type(s) for %: '${pythonType(axis)}' and 'int'`);
      }
      const n = shape.length;
      shape.splice(((pythonIndex(axis) % n) + n) % n, 1);
    }
    return { shape, dtype: tableDtype(call, y) };
  },
};

/** Keras's shape_equal with allow_none; a size known only at run time against another one is not known. */
function shapesMatch(a: Shape, b: Shape): boolean | undefined {
  if (a.length !== b.length) return false;
  let known = true;
  for (let i = 0; i < a.length; i++) {
    const [p, q] = [a[i]!, b[i]!];
    if (p === null || q === null || sameDim(p, q)) continue;
    if (isKnown(p) && isKnown(q)) return false;
    known = false;
  }
  return known ? true : undefined;
}

/** The `weights` of average: None, or a tensor (Keras reads its shape). */
function weightsOf(call: OpCall): Operand | undefined {
  const weights = call.arguments.get('weights');
  if (weights === null || weights === undefined) return undefined;
  if (isOperand(weights) && !weights.weak) return weights;
  throw new LayerError(`'${Array.isArray(weights) ? 'list' : pythonType(weights)}' object has no attribute 'shape'`);
}

/** `shape[axis]`, Python's indexing of a tuple. */
function dimAt(shape: Shape, axis: OpArgument): Dim {
  if (isOperand(axis) ? axis.weak !== 'int' : typeof axis !== 'number' && typeof axis !== 'boolean') {
    throw new LayerError(`tuple indices must be integers or slices, not ${pythonType(axis)}`);
  }
  const i = pythonIndex(axis);
  if (i < -shape.length || i >= shape.length) throw new LayerError('tuple index out of range');
  return shape.at(i)!;
}

/** Keras takes weights of x's shape, or (along an axis) of shape (x.shape[axis],). */
function checkWeights(x: Operand, weights: Operand, axis: OpArgument): void {
  const fits = [shapesMatch(x.shape, weights.shape)];
  const size = axis === null ? undefined : dimAt(x.shape, axis);
  if (size !== undefined) fits.push(shapesMatch([size], weights.shape));
  if (fits.includes(true)) return;
  if (fits.includes(undefined)) {
    throw new OpNotKnown(`whether weights of shape ${formatShape(weights.shape)} go with x of shape ${formatShape(x.shape)} is not known`);
  }
  const [w, s] = [formatShape(weights.shape), formatShape(x.shape)];
  throw new LayerError(
    size === undefined
      ? `\`weights\` must have the same shape as \`x\` when \`axis=None\`, but received \`weights.shape=${w}\` and \`x.shape=${s}\`.`
      : `\`weights\` must have the same size as \`x\` at \`axis=${pythonIndex(axis)}\` but received \`weights.shape=${w}\` while x.shape at \`${pythonIndex(axis)}\` is \`${formatDim(size)}\`.`,
  );
}

/** `average(x, axis, weights)`: one axis (or all) reduced; the dtype is result_type(x, float, weights). */
const average: OpRule = {
  compute(call) {
    const x = operand(call, 'x');
    if (x.weak) throw new OpNotKnown(`${call.path} of a Python number is computed eagerly by the backend`);
    const weights = weightsOf(call);
    const axis = call.arguments.get('axis') ?? null;
    notATensor(axis, call, 'axis');
    if (weights) checkWeights(x, weights, axis);
    // Keras promotes the three at once; the two tensors first, then the weak float, comes to the same.
    const dtype = weights ? resultType(x, weights, { shape: [], dtype: 'float32', weak: 'float' }) : tableDtype(call, x);
    if (dtype === undefined) throw new OpNotKnown(`the promotion of ${x.dtype} and ${weights!.dtype} is not known`);
    return { shape: axis === null ? [] : reduceShape(x.shape, [axis], false), dtype };
  },
};

const byTable = reduction();

const reductionNames = `sum mean max min std var all any amax amin argmax argmin logsumexp nanmean nansum count_nonzero median
nanmax nanmin nanmedian nanprod nanstd nanvar ptp`.split(/\s+/);

export const reductionOps: Readonly<Record<string, OpRule>> = {
  ...Object.fromEntries(reductionNames.map((name) => [`keras.ops.${name}`, byTable])),
  'keras.ops.prod': reduction(givenOrTable),
  'keras.ops.nanargmax': reduction(tableDtype, singleAxis),
  'keras.ops.nanargmin': reduction(tableDtype, singleAxis),
  'keras.ops.percentile': quantiles('prepends'),
  'keras.ops.nanpercentile': quantiles('prepends'),
  'keras.ops.quantile': quantiles('does not prepend'),
  'keras.ops.nanquantile': quantiles('does not prepend'),
  'keras.ops.cumsum': cumulative('checked', givenAccumulator),
  'keras.ops.cumprod': cumulative('checked', givenAccumulator),
  'keras.ops.nancumsum': cumulative('unchecked', givenRawAccumulator),
  'keras.ops.nancumprod': cumulative('unchecked', givenRawAccumulator),
  'keras.ops.trapezoid': trapezoid,
  'keras.ops.average': average,
};
