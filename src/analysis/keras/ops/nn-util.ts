// Helpers of the nn family rules (nn.ts, nn-conv.ts, nn-losses.ts): Python's indexing and equality of shapes, Keras's
// canonicalize_axis and standardize_data_format / standardize_dtype, with Keras's messages.

import type { JsonValue } from '../../../graph/ir.js';
import { isKnown, isSymbolic, sameDim, symbolic, type Dim, type Shape } from '../../../graph/shape.js';
import { LayerError } from '../rule.js';
import { argument, isOperand, OpNotKnown, type OpCall, type Operand } from './op-rule.js';

/**
 * The tensor given for `name`, where Keras's symbolic call is what runs. A Python number there (with no other tensor
 * making the call symbolic) is computed eagerly by the backend, which these rules do not model.
 */
export function symbolicOperand(call: OpCall, name: string): Operand {
  const value = call.arguments.get(name);
  if (isOperand(value) && value.weak) throw new OpNotKnown(`${call.path} on a Python number is computed eagerly: not analysed`);
  if (!isOperand(value)) throw new LayerError(`${call.path}: \`${name}\` must be a tensor`);
  return value;
}

/** The shape of a tensor argument of a symbolic call: a Python number there has none (Keras's AttributeError). */
export function shapeOfArgument(call: OpCall, name: string): Shape {
  const value = call.arguments.get(name);
  if (isOperand(value) && value.weak) throw new LayerError(`'${value.weak}' object has no attribute 'shape'`);
  if (!isOperand(value)) throw new LayerError(`'${pythonType(argument(call, name))}' object has no attribute 'shape'`);
  return value.shape;
}

/** The tensor given for `name`, or undefined for None. */
export function optionalOperand(call: OpCall, name: string): Operand | undefined {
  const value = call.arguments.get(name);
  return isOperand(value) ? value : undefined;
}

/** Python's type name of a JSON value, as Keras's TypeErrors and AttributeErrors print it. */
export function pythonType(value: JsonValue): string {
  if (value === null) return 'NoneType';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (typeof value === 'string') return 'str';
  return Array.isArray(value) ? 'tuple' : 'dict';
}

/** `shape[index]` in Python: negative from the end, IndexError past either end. */
export function pyIndex(shape: Shape, index: number): Dim {
  const i = index < 0 ? index + shape.length : index;
  if (i < 0 || i >= shape.length) throw new LayerError('tuple index out of range');
  return shape[i]!;
}

/** Keras's `canonicalize_axis`: a non-negative axis of a rank-`rank` tensor. */
export function canonicalizeAxis(axis: JsonValue, rank: number): number {
  if (typeof axis !== 'number' || !Number.isInteger(axis)) {
    throw new LayerError(`'${pythonType(axis)}' object cannot be interpreted as an integer`);
  }
  if (axis < -rank || axis >= rank) throw new LayerError(`axis ${axis} is out of bounds for an array with dimension ${rank}.`);
  return axis < 0 ? axis + rank : axis;
}

/** Keras's `canonicalize_axes`: an axis or a tuple of them. */
export function canonicalizeAxes(axis: JsonValue, rank: number): number[] {
  return (Array.isArray(axis) ? axis : [axis]).map((a) => canonicalizeAxis(a, rank));
}

/** Python's `==` of two dims: undefined where a size known only at run time makes it undecidable. */
function pythonEqualDims(a: Dim, b: Dim): boolean | undefined {
  if (sameDim(a, b)) return true;
  if (isSymbolic(a) || isSymbolic(b)) return a === null || b === null ? false : undefined;
  return false;
}

/** Python's `==` of two shape tuples (None equals None only), or undefined where it cannot be told. */
export function pythonEqualShapes(a: Shape, b: Shape): boolean | undefined {
  if (a.length !== b.length) return false;
  let equal: boolean | undefined = true;
  for (let i = 0; i < a.length; i++) {
    const same = pythonEqualDims(a[i]!, b[i]!);
    if (same === false) return false;
    if (same === undefined) equal = undefined;
  }
  return equal;
}

/** Shapes compared as Keras compares them (`!=`): true where Keras raises, OpNotKnown where it cannot be told. */
export function shapesDiffer(a: Shape, b: Shape, what: string): boolean {
  const equal = pythonEqualShapes(a, b);
  if (equal === undefined) throw new OpNotKnown(`whether ${what} match depends on sizes known only at run time`);
  return !equal;
}

/** Keras's `standardize_data_format`: None is the default image data format, channels_last. */
export function standardizeDataFormat(value: JsonValue): 'channels_last' | 'channels_first' {
  if (value === null) return 'channels_last';
  const format = (typeof value === 'string' ? value : String(value)).toLowerCase();
  if (format !== 'channels_first' && format !== 'channels_last') {
    throw new LayerError(
      `The \`data_format\` argument must be one of {'channels_first', 'channels_last'}. Received: data_format=${format}`,
    );
  }
  return format;
}

/** A string argument lowered, as the public functions do (`padding.lower()`). */
export function lowered(call: OpCall, name: string): string {
  const value = argument(call, name);
  if (typeof value !== 'string') throw new LayerError(`'${pythonType(value)}' object has no attribute 'lower'`);
  return value.toLowerCase();
}

/** A size argument: an int, or a size known only at run time (a symbol); anything else is not analysed. */
export function sizeValue(value: JsonValue, what: string): Dim {
  if (typeof value === 'string') return symbolic(value);
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  throw new OpNotKnown(`\`${what}\`=${String(value)} is not analysed`);
}

/** An int argument that the rule computes with (a symbol or anything else is not analysed). */
export function intValue(value: JsonValue, what: string): number {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  throw new OpNotKnown(`\`${what}\`=${JSON.stringify(value)} is not analysed`);
}

/** Python's `a // b` of dims, None (or a size known only at run time) staying unknown. */
export function floorDivide(a: Dim, b: number): Dim {
  return isKnown(a) ? Math.floor(a / b) : null;
}

/** `a * b` where Keras guards a None (`h * b if h is not None else None`): None, or a size known only at run time, stays unknown. */
export function multiplyDims(a: Dim, b: number): Dim {
  return isKnown(a) ? a * b : null;
}
