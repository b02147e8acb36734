// What a family file says of one `keras.ops` function beyond its generated signature (ops.json): the output shape and
// dtype Keras's `compute_output_spec` gives for its arguments, without computing anything.

import type { JsonValue } from '../../../graph/ir.js';
import type { Shape } from '../../../graph/shape.js';
import type { Value } from '../../values.js';
import { LayerError } from '../rule.js';

/** What a rule cannot tell (a dtype the generated table lacks): the output is unknown with this reason, and no error is reported. */
export class OpNotKnown extends Error {
  override name = 'OpNotKnown';
}

/** A tensor argument; a Python number given where a tensor is taken is a scalar of a weak type. */
export interface Operand {
  readonly shape: Shape;
  readonly dtype: string;
  /** `int` or `float` for a Python number, whose dtype gives way to the tensor's (Keras's weak types). */
  readonly weak?: 'int' | 'float';
  /** The Python number, for a weak operand. */
  readonly value?: number;
}

/** An argument: a tensor (or a list of them, for `concatenate`), or a JSON value (defaults filled in). */
export type OpArgument = Operand | readonly Operand[] | JsonValue;

export function isOperand(value: OpArgument | undefined): value is Operand {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'shape' in value && 'dtype' in value;
}

/** The arguments of one call, by parameter name. */
export interface OpCall {
  readonly path: string;
  readonly arguments: ReadonlyMap<string, OpArgument>;
  /**
   * Whether Keras answers with its `compute_output_spec` (KerasTensors outside a layer) rather than with what the
   * backend computes (concrete tensors, and the traced ones of a layer's call()): they differ for a few ops.
   */
  readonly symbolic?: boolean;
}

export interface OpOutput {
  readonly shape: Shape;
  readonly dtype: string;
}

/** What an op returns: one tensor; a tuple or list of them (`eigh`, `split`, `top_k`); or a Python value (`ndim`, `shape`). */
export type OpResult =
  OpOutput | { readonly tuple: readonly OpOutput[] } | { readonly list: readonly OpOutput[] } | { readonly python: Value };

export interface OpRule {
  compute(call: OpCall): OpResult;
}

/** The tensor given for `name`, or Keras's TypeError when it is something else. */
export function operand(call: OpCall, name: string): Operand {
  const value = call.arguments.get(name);
  if (!isOperand(value)) throw new LayerError(`${call.path}: \`${name}\` must be a tensor`);
  return value;
}

/** The JSON value given for `name` (its default when not given); a Python number as itself. */
export function argument(call: OpCall, name: string): JsonValue {
  const value = call.arguments.get(name);
  if (value === undefined) return null;
  if (isOperand(value) && value.value !== undefined) return value.value;
  if (isOperand(value) || (Array.isArray(value) && value.some((v) => isOperand(v as OpArgument)))) {
    throw new LayerError(`${call.path}: \`${name}\` must not be a tensor here`);
  }
  return value as JsonValue;
}
