// Helpers shared by the products family files (products*.ts): Keras's dtype of a call from the generated tables,
// its `canonicalize_axis`, Python's list indexing, and the Python numbers and dtype names the creation ops take.

import type { JsonValue } from '../../../graph/ir.js';
import { formatDim, isKnown, type Dim, type Shape } from '../../../graph/shape.js';
import { LayerError } from '../rule.js';
import { argument, isOperand, OpNotKnown, type OpCall, type Operand } from './op-rule.js';
import { binaryDtype, resultType, unaryDtype } from './signatures.js';

/** A dtype the generated table lacks (Keras refused the call there, or it was not tried): not known, no error. */
export function known(dtype: string | undefined, call: OpCall, given: string): string {
  if (dtype === undefined) throw new OpNotKnown(`the dtype of ${call.path} on ${given} is not known`);
  return dtype;
}

const describe = (x: Operand): string => x.weak ?? x.dtype;

/** Keras's dtype of the op on one tensor (the table's). */
export function unaryOpDtype(call: OpCall, x: Operand): string {
  return known(unaryDtype(call.path, x.dtype), call, `a ${x.dtype} tensor`);
}

/** Keras's dtype of the op on two operands, a Python number by its weak type (the table's). */
export function binaryOpDtype(call: OpCall, a: Operand, b: Operand): string {
  return known(binaryDtype(call.path, a, b), call, `${describe(a)} and ${describe(b)} operands`);
}

/** `standardize_dtype(getattr(x, "dtype", type(x)))`: a Python number as the strong dtype of its type. */
export function strongOperand(x: Operand): Operand {
  return x.weak ? { shape: x.shape, dtype: x.weak === 'int' ? 'int32' : 'float32' } : x;
}

/** `dtypes.result_type(...)` of these dtypes, or OpNotKnown outside the table. */
export function promote(call: OpCall, ...dtypes: readonly (Operand | string)[]): string {
  const operands = dtypes.map((d) => (typeof d === 'string' ? { shape: [], dtype: d } : d));
  return known(resultType(...operands), call, operands.map(describe).join(', '));
}

/** Keras's `canonicalize_axis`: an axis in [-rank, rank) as a non-negative one, with its error. */
export function canonicalAxis(axis: JsonValue, rank: number): number {
  if (typeof axis !== 'number' || !Number.isInteger(axis)) throw new OpNotKnown(`an axis of ${JSON.stringify(axis)} is not analysed`);
  if (axis < -rank || axis >= rank) throw new LayerError(`axis ${axis} is out of bounds for an array with dimension ${rank}.`);
  return axis < 0 ? axis + rank : axis;
}

/** Python's `items[i]`, a negative index from the end, with its IndexError. */
export function pyIndex<T>(items: readonly T[], index: number, what = 'list'): T {
  const i = index < 0 ? index + items.length : index;
  if (!Number.isInteger(index) || i < 0 || i >= items.length) throw new LayerError(`${what} index out of range`);
  return items[i]!;
}

/** Python's `items[start:end]` (either bound negative from the end, or left out). */
export function pySlice<T>(items: readonly T[], start?: number, end?: number): T[] {
  const bound = (b: number | undefined, fallback: number): number =>
    b === undefined ? fallback : b < 0 ? Math.max(0, b + items.length) : Math.min(b, items.length);
  return items.slice(bound(start, 0), bound(end, items.length));
}

/** A shape as Python prints a list of its sizes: `[2, None]`. */
export function formatList(dims: readonly Dim[]): string {
  return `[${dims.map(formatDim).join(', ')}]`;
}

/** The product of the sizes, or null when one is not a known number (Keras gives None where one is None). */
export function dimProduct(dims: Shape): Dim {
  return dims.every(isKnown) ? (dims as number[]).reduce((a, b) => a * b, 1) : null;
}

/** A JSON int, or OpNotKnown naming what it is. */
export function intArgument(call: OpCall, name: string): number {
  const value = argument(call, name);
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw new OpNotKnown(`\`${name}\` of ${call.path} as ${JSON.stringify(value)} is not analysed`);
  }
  return value;
}

/**
 * A Python number given for `name`: its value and Python type; null for None; OpNotKnown for a tensor or anything else.
 * A default of the signature is plain JSON, its type read from its value (the defaults these ops have are ints).
 */
export function pythonNumber(call: OpCall, name: string): { value: number; type: 'int' | 'float' } | null {
  const given = call.arguments.get(name);
  if (given === null || given === undefined) return null;
  if (typeof given === 'number') return { value: given, type: Number.isInteger(given) ? 'int' : 'float' };
  if (isOperand(given) && given.weak && given.value !== undefined) return { value: given.value, type: given.weak };
  throw new OpNotKnown(`\`${name}\` of ${call.path} is not a Python number, whose value is needed`);
}

/** The tensor or Python number given for `name`; anything else (a list, say) is not analysed. */
export function tensorArgument(call: OpCall, name: string): Operand {
  const given = call.arguments.get(name);
  if (!isOperand(given)) throw new OpNotKnown(`\`${name}\` of ${call.path} is neither a tensor nor a Python number`);
  return given;
}

/** The tensors (and Python numbers) of a `*operands` parameter, or undefined when one is something else. */
export function operandList(call: OpCall, name: string): Operand[] | undefined {
  const value: unknown = call.arguments.get(name);
  if (!Array.isArray(value)) return undefined;
  const items = value as unknown[];
  return items.every((v) => isOperand(v as Operand)) ? (items as Operand[]) : undefined;
}

/** The tensor given for `name`: a Python number there makes Keras call the backend at once, which is not analysed. */
export function symbolicArgument(call: OpCall, name: string): Operand {
  const given = tensorArgument(call, name);
  if (given.weak) throw new OpNotKnown(`${call.path} of a Python number is computed by the backend`);
  return given;
}
