// Helpers of the rules that rearrange, select or index (shapes.ts and its sibling files): Keras's axis
// canonicalization and shape comparison, int arguments, lists of tensors, and sizes that add or scale.

import type { JsonValue } from '../../../graph/ir.js';
import { formatDim, isSymbolic, sameDim, symbolic, type Dim, type Shape } from '../../../graph/shape.js';
import { termOf } from '../../../graph/size-terms.js';
import { LayerError } from '../rule.js';
import { argument, isOperand, OpNotKnown, type OpCall, type Operand } from './op-rule.js';
import { sizeArithmetic, type Size } from './linalg.js';
import { resultType } from './signatures.js';

/** `value` as ints (one int as a list of one); Keras's message for anything else. */
export function ints(value: JsonValue, what: string): number[] {
  const list = Array.isArray(value) ? value : [value];
  if (!list.every((v) => typeof v === 'number' && Number.isInteger(v)))
    throw new LayerError(`\`${what}\` must be an int or a tuple of ints`);
  return list as number[];
}

/**
 * Sizes given for `what`: ints, None, and sizes known only at run time, which come as their symbol
 * (`dynamic_dimension`, from `ops.shape(x)[0]` inside a layer's call()); Keras's error for anything else.
 */
export function sizes(value: JsonValue, what: string): Dim[] {
  const list = Array.isArray(value) ? value : [value];
  return list.map((v) => {
    if (typeof v === 'number' && Number.isInteger(v)) return v;
    if (v === null) return null;
    if (typeof v === 'string' && termOf(symbolic(v))) return symbolic(v);
    throw new LayerError(`\`${what}\` must be an int or a tuple of ints`);
  });
}

/** The int given for `name`, or OpNotKnown naming what was given instead. */
export function intArgument(call: OpCall, name: string): number {
  const value = argument(call, name);
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new OpNotKnown(`\`${name}\` of ${call.path} is not an int`);
  return value;
}

/** The ints given for `name` (an int or a tuple of ints), or OpNotKnown. */
export function intsArgument(call: OpCall, name: string): number[] {
  const value = argument(call, name);
  const list = Array.isArray(value) ? value : [value];
  if (!list.every((v) => typeof v === 'number' && Number.isInteger(v)))
    throw new OpNotKnown(`\`${name}\` of ${call.path} is not an int or a tuple of ints`);
  return list as number[];
}

/** Keras's `canonicalize_axis`: `axis` in [-rank, rank) as a non-negative axis. */
export function canonicalAxis(axis: number, rank: number): number {
  if (axis < -rank || axis >= rank) throw new LayerError(`axis ${axis} is out of bounds for an array with dimension ${rank}.`);
  return axis < 0 ? axis + rank : axis;
}

/** Keras's `canonicalize_axes`: an int or a tuple of ints as non-negative axes. */
export function canonicalAxes(value: JsonValue, rank: number, call: OpCall, name = 'axis'): number[] {
  const list = Array.isArray(value) ? value : [value];
  if (!list.every((v) => typeof v === 'number' && Number.isInteger(v)))
    throw new OpNotKnown(`\`${name}\` of ${call.path} is not an int or a tuple of ints`);
  return (list as number[]).map((axis) => canonicalAxis(axis, rank));
}

/** The tensors of a list argument (`xs` of concatenate), or Keras's TypeError when it is something else. */
export function tensorList(call: OpCall, name: string): Operand[] {
  const value = call.arguments.get(name);
  const items = Array.isArray(value) ? (value as readonly unknown[]) : [];
  // Keras converts Python numbers and nested lists to tensors here: not an error, only not analysed.
  if (items.length === 0 || !items.every((v) => isOperand(v as Operand))) {
    throw new OpNotKnown(`${call.path} of \`${name}\` that is not a non-empty list of tensors is not analysed`);
  }
  return items as Operand[];
}

/** The dtype the tensors promote to, as Keras's result_type gives it. */
export function promoted(tensors: readonly Operand[]): string {
  const dtype = resultType(...tensors);
  if (dtype === undefined) throw new OpNotKnown(`the promotion of ${tensors.map((t) => t.dtype).join(', ')} is not known`);
  return dtype;
}

/** A tensor operand, not a Python number: Keras reads `.shape` of it, which a number lacks. */
export function tensorOperand(call: OpCall, name: string): Operand {
  const value = call.arguments.get(name);
  if (!isOperand(value) || value.weak) throw new OpNotKnown(`\`${name}\` of ${call.path} is not a tensor`);
  return value;
}

/**
 * Keras's `shape_equal(a, b, axis=ignored, allow_none=True)`: the same rank and sizes, None matching any size,
 * the ignored axes aside. `unknown` where a size known only at run time decides it.
 */
export function shapesMatch(a: Shape, b: Shape, ignored: readonly number[]): boolean | 'unknown' {
  if (a.length !== b.length) return false;
  const rank = a.length;
  const skip = new Set(ignored.map((axis) => (axis < 0 ? axis + rank : axis)));
  let result: boolean | 'unknown' = true;
  for (let i = 0; i < rank; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (skip.has(i) || x === null || y === null || sameDim(x, y)) continue;
    if (isSymbolic(x) || isSymbolic(y)) result = 'unknown';
    else return false;
  }
  return result;
}

/** The sum of sizes: None when one is None; an expression of those known only at run time (`n + 3`). */
export function sumDims(dims: readonly Dim[]): Dim {
  if (dims.includes(null)) return null;
  return (dims as Size[]).reduce((a, b) => (a === 0 ? b : b === 0 ? a : sizeArithmetic(a, '+', b)), 0);
}

/** A size times `factor` (None stays None). */
export function scaleDim(dim: Dim, factor: number): Dim {
  if (dim === null) return null;
  return factor === 1 ? dim : factor === 0 ? 0 : sizeArithmetic(dim, '*', factor);
}

/** A size plus `amount` (None stays None). */
export function offsetDim(dim: Dim, amount: number): Dim {
  if (dim === null) return null;
  return amount === 0 ? dim : sizeArithmetic(dim, amount < 0 ? '-' : '+', Math.abs(amount));
}

/** The number of elements: None where a size is None (what Keras's flattening ops give). */
export function flatSize(shape: Shape): Dim {
  if (shape.includes(null)) return null;
  return (shape as Size[]).reduce((a, b) => (a === 1 ? b : b === 1 ? a : sizeArithmetic(a, '*', b)), 1);
}

/** A shape as Keras's messages print a list of it: `[None, 3]`. */
export function shapeList(shape: Shape): string {
  return `[${shape.map(formatDim).join(', ')}]`;
}
