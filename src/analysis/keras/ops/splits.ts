// keras.ops that split a tensor into a list of tensors: split, array_split, hsplit, vsplit, dsplit
// (Keras's `_compute_split_output_spec` and ArraySplit.compute_output_spec, keras/src/ops/numpy.py).

import type { JsonValue } from '../../../graph/ir.js';
import { formatShape, isKnown, type Dim } from '../../../graph/shape.js';
import { LayerError } from '../rule.js';
import { pythonRepr } from '../rules/util.js';
import { argument, OpNotKnown, operand, type OpCall, type Operand, type OpOutput, type OpResult, type OpRule } from './op-rule.js';
import { sizeArithmetic } from './linalg.js';
import { canonicalAxis, intArgument } from './shape-helpers.js';

function withSize(x: Operand, axis: number, size: Dim): OpOutput {
  return { shape: x.shape.map((d, i) => (i === axis ? size : d)), dtype: x.dtype };
}

/** Equal sections: Keras checks the size divides when it is known. */
function sections(x: Operand, axis: number, count: number): OpOutput[] {
  if (count <= 0) throw new OpNotKnown(`splitting into ${count} sections is not analysed`);
  const size = x.shape[axis]!;
  if (size !== null && !isKnown(size)) {
    return Array.from({ length: count }, () => withSize(x, axis, count === 1 ? size : sizeArithmetic(size, '//', count)));
  }
  if (size !== null && size % count !== 0) {
    throw new LayerError(
      '`x` size on given `axis` must be divisible by `indices_or_sections` when `indices_or_sections` is an int. ' +
        `But received ${size} and ${count}.`,
    );
  }
  return Array.from({ length: count }, () => withSize(x, axis, size === null ? null : size / count));
}

/** Pieces between split points: Keras subtracts neighbouring points, so only sorted points within the size are analysed. */
function pieces(x: Operand, axis: number, indices: readonly number[]): OpOutput[] {
  const size = x.shape[axis]!;
  const points = [0, ...indices];
  if (points.some((p, i) => p < (points[i - 1] ?? 0) || (isKnown(size) && p > size))) {
    throw new OpNotKnown(`split points ${pythonRepr([...indices])} that are not sorted within the size are not analysed`);
  }
  const last = points.at(-1)!;
  const tail: Dim = size === null ? null : last === 0 ? size : sizeArithmetic(size, '-', last);
  return [...points.slice(1).map((p, i) => withSize(x, axis, p - points[i]!)), withSize(x, axis, tail)];
}

function splitAlong(x: Operand, given: JsonValue, axis: number): OpResult {
  if (typeof given === 'number' && Number.isInteger(given)) return { list: sections(x, axis, given) };
  if (!Array.isArray(given) || !given.every((v) => typeof v === 'number' && Number.isInteger(v))) {
    throw new OpNotKnown('`indices_or_sections` is not an int or a tuple of ints');
  }
  return { list: pieces(x, axis, given as number[]) };
}

const split: OpRule = {
  compute(call) {
    const x = operand(call, 'x');
    const axis = canonicalAxis(intArgument(call, 'axis'), x.shape.length);
    return splitAlong(x, argument(call, 'indices_or_sections'), axis);
  },
};

/** hsplit, vsplit, dsplit: along a fixed axis of a tensor of at least `rank` dimensions. */
function splitOn(name: string, rank: number, axisOf: (rank: number) => number): OpRule {
  return {
    compute(call: OpCall) {
      const x = operand(call, 'x');
      if (x.shape.length < rank) {
        const dimensions = rank === 1 ? '1 dimension' : `${rank} dimensions`;
        throw new LayerError(
          `\`${name}\` only works on arrays of at least ${dimensions}. Received array with shape ${formatShape(x.shape)}.`,
        );
      }
      return splitAlong(x, argument(call, 'indices_or_sections'), axisOf(x.shape.length));
    },
  };
}

/** array_split: `count` sections, the first `size % count` one longer; a tuple of them where the size is None. */
const arraySplit: OpRule = {
  compute(call) {
    const x = operand(call, 'x');
    const given = argument(call, 'indices_or_sections');
    if (typeof given !== 'number' || !Number.isInteger(given)) {
      throw new LayerError(`Argument \`indices_or_sections\` must be of type \`int\`. Received: indices_or_sections=${pythonRepr(given)}`);
    }
    if (given <= 0) {
      throw new LayerError(`Argument \`indices_or_sections\` must be a positive integer. Received: indices_or_sections=${given}`);
    }
    const axisGiven = argument(call, 'axis');
    if (typeof axisGiven !== 'number' || !Number.isInteger(axisGiven)) {
      throw new LayerError(`Argument \`axis\` must be of type \`int\`. Received: ${pythonRepr(axisGiven)}`);
    }
    const rank = x.shape.length;
    // Keras adds the rank to a negative axis once, then indexes the shape tuple with it.
    const axis = axisGiven < 0 ? axisGiven + rank : axisGiven;
    if (axis < -rank || axis >= rank) throw new LayerError('tuple index out of range');
    if (axis < 0) throw new OpNotKnown(`axis ${axisGiven} of a rank-${rank} tensor is not analysed`);
    const size = x.shape[axis]!;
    const count = given;
    if (size === null) return { tuple: Array.from({ length: count }, () => withSize(x, axis, null)) };
    if (!isKnown(size)) return { list: Array.from({ length: count }, () => withSize(x, axis, count === 1 ? size : null)) };
    const base = Math.floor(size / count);
    return { list: Array.from({ length: count }, (_, i) => withSize(x, axis, base + (i < size % count ? 1 : 0))) };
  },
};

export const splitOps: Readonly<Record<string, OpRule>> = {
  'keras.ops.split': split,
  'keras.ops.array_split': arraySplit,
  'keras.ops.hsplit': splitOn('hsplit', 1, (rank) => (rank === 1 ? 0 : 1)),
  'keras.ops.vsplit': splitOn('vsplit', 2, () => 0),
  'keras.ops.dsplit': splitOn('dsplit', 3, () => 2),
};
