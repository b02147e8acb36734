// Reductions of keras.ops over `axis` (an int, a tuple, or None for every axis; negative from the end), with
// `keepdims`: sum, mean, max, argmax, std, logsumexp, … The dtype is Keras's for the input's, from ops.json.

import type { JsonValue } from '../../../graph/ir.js';
import type { Dim, Shape } from '../../../graph/shape.js';
import { LayerError } from '../rule.js';
import { argument, OpNotKnown, operand, type OpCall, type OpOutput, type OpRule } from './op-rule.js';
import { unaryDtype } from './signatures.js';

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

const reduction: OpRule = {
  compute(call): OpOutput {
    const x = operand(call, [...call.arguments.keys()][0]!);
    const axes = reductionAxes(argument(call, 'axis'), x.shape.length, call);
    const keepdims = argument(call, 'keepdims') === true;
    const dtype = unaryDtype(call.path, x.dtype);
    if (dtype === undefined) throw new OpNotKnown(`the dtype of ${call.path} on a ${x.dtype} tensor is not known`);
    return { shape: reducedShape(x.shape, axes, keepdims), dtype };
  },
};

const names = `sum mean max min prod std var all any amax amin argmax argmin logsumexp nanmean nansum count_nonzero median`.split(/\s+/);

export const reductionOps: Readonly<Record<string, OpRule>> = Object.fromEntries(names.map((name) => [`keras.ops.${name}`, reduction]));
