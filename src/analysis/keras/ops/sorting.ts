// keras.ops that sort or deduplicate: sort, argsort, argpartition, unique (compute_output_spec of each,
// keras/src/ops/numpy.py). Indices are int32.

import type { Dim } from '../../../graph/shape.js';
import { LayerError } from '../rule.js';
import { pythonRepr } from '../rules/util.js';
import { argument, OpNotKnown, operand, type OpCall, type OpOutput, type OpRule } from './op-rule.js';
import { canonicalAxis, flatSize } from './shape-helpers.js';

/** `axis` as given: an int, or null for None (the flattened tensor). */
function axisArgument(call: OpCall): number | null {
  const axis = argument(call, 'axis');
  if (axis !== null && (typeof axis !== 'number' || !Number.isInteger(axis)))
    throw new OpNotKnown(`\`axis\` of ${call.path} is not an int`);
  return axis;
}

/** sort (the dtype of x) and argsort (int32): x's shape, or the flattened size for axis None. */
function sortLike(indices: boolean): OpRule {
  return {
    compute(call): OpOutput {
      const x = operand(call, 'x');
      const dtype = indices ? 'int32' : x.dtype;
      const axis = axisArgument(call);
      if (axis === null) return { shape: [flatSize(x.shape)], dtype };
      canonicalAxis(axis, x.shape.length);
      return { shape: x.shape, dtype };
    },
  };
}

/** argpartition: Keras checks `kth` is an int, not the axis. */
const argpartition: OpRule = {
  compute(call): OpOutput {
    const x = operand(call, 'x');
    const kth = argument(call, 'kth');
    if (typeof kth !== 'number' || !Number.isInteger(kth))
      throw new LayerError(`kth must be an integer. Received:kth = ${pythonRepr(kth)}`);
    const axis = axisArgument(call);
    return { shape: axis === null ? [flatSize(x.shape)] : x.shape, dtype: 'int32' };
  },
};

const flags = ['return_index', 'return_inverse', 'return_counts'] as const;

/**
 * unique: the values (of None unique entries along `axis`, or of `size`), then, as asked, the indices of their
 * first occurrences, the inverse indices and the counts; one tensor alone, else a tuple.
 */
const unique: OpRule = {
  compute(call) {
    const x = operand(call, 'x');
    const size = argument(call, 'size');
    if (size !== null && (typeof size !== 'number' || !Number.isInteger(size))) throw new OpNotKnown('`size` of unique is not an int');
    const asked = flags.map((name) => {
      const flag = argument(call, name);
      if (typeof flag !== 'boolean') throw new OpNotKnown(`\`${name}\` of unique is not a bool`);
      return flag;
    });
    const count: Dim = size;
    const axis = axisArgument(call);
    const along = axis === null ? null : canonicalAxis(axis, x.shape.length);
    const outputs: OpOutput[] = [{ shape: along === null ? [count] : x.shape.map((d, i) => (i === along ? count : d)), dtype: x.dtype }];
    if (asked[0]) outputs.push({ shape: [count], dtype: 'int32' });
    if (asked[1]) outputs.push({ shape: along === null ? x.shape : [x.shape[along]!], dtype: 'int32' });
    if (asked[2]) outputs.push({ shape: [count], dtype: 'int32' });
    return outputs.length === 1 ? outputs[0]! : { tuple: outputs };
  },
};

export const sortingOps: Readonly<Record<string, OpRule>> = {
  'keras.ops.sort': sortLike(false),
  'keras.ops.argsort': sortLike(true),
  'keras.ops.argpartition': argpartition,
  'keras.ops.unique': unique,
};
