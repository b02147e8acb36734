// keras.ops that rearrange a tensor: reshape, transpose, expand_dims, squeeze, concatenate, stack (Keras's
// compute_output_spec of each, keras/src/ops/numpy.py); with the families of the sibling files, which reorder,
// repeat, split, join, index, sort and rearrange (einops), all of them under `shapeOps`.

import { formatShape, isKnown, isSymbolic, sameDim, type Dim } from '../../../graph/shape.js';
import { dimOf, divideTerms, productTerm } from '../../../graph/size-terms.js';
import { LayerError } from '../rule.js';
import { indexingOps } from './indexing.js';
import { joinOps } from './joins.js';
import { argument, OpNotKnown, operand, type OpRule } from './op-rule.js';
import { rearrangeOps } from './rearrange.js';
import { reductionAxes } from './reductions.js';
import { reorderingOps } from './reordering.js';
import { repeatingOps } from './repeating.js';
import { ints, promoted, sizes, tensorList } from './shape-helpers.js';
import { sortingOps } from './sorting.js';
import { splitOps } from './splits.js';

/**
 * `reshape(x, newshape)`, as Keras's compute_reshape_output_shape: one -1 takes what is left, when every size is known.
 * Inside a layer's call() JAX sizes are products of the traced size, which the -1 divides (`(b, -1, 2, 4)` of
 * `(b, 10, 8)` is `(b, 10, 2, 4)`).
 */
const reshape: OpRule = {
  compute(call) {
    const x = operand(call, 'x');
    const given = argument(call, 'newshape');
    const target = sizes(given, 'newshape');
    const received = `newshape=${Array.isArray(given) ? formatShape(target) : String(given)}`;
    if (target.some((d) => isKnown(d) && d < -1)) {
      throw new LayerError(
        `Each dimension in \`newshape\` must be a non-negative integer, or \`-1\` for a single unknown dimension. Received: ${received}.`,
      );
    }
    if (target.filter((d) => d === -1).length > 1) {
      throw new LayerError(`There must be at most one unknown dimension (-1) in \`newshape\`. Received: ${received}.`);
    }
    const size = productTerm(x.shape);
    const rest = productTerm(target.filter((d) => d !== -1));
    const unresolved = target.map((d) => (d === -1 ? null : d));
    if (!size || !rest) return { shape: unresolved, dtype: x.dtype };
    const numeric = Object.keys(size.powers).length === 0 && Object.keys(rest.powers).length === 0;
    const inputShape = `input_shape=${formatShape(x.shape)}`;
    if (!target.includes(-1)) {
      if (numeric && size.coefficient !== rest.coefficient)
        throw new LayerError(`The total size of the tensor must be unchanged. Received: ${inputShape}, ${received}`);
      return { shape: target, dtype: x.dtype };
    }
    const left = divideTerms(size, rest);
    if (!left && numeric) {
      throw new LayerError(
        `The total size of the tensor must be unchanged, however, the input size cannot by divided by the specified dimensions in newshape. Received: ${inputShape}, ${received}`,
      );
    }
    if (!left) throw new OpNotKnown(`the sizes of ${received} do not divide those of ${inputShape} as Tensor Lens reads them`);
    return { shape: target.map((d) => (d === -1 ? dimOf(left) : d)), dtype: x.dtype };
  },
};

const transpose: OpRule = {
  compute(call) {
    const x = operand(call, 'x');
    const axes = argument(call, 'axes');
    const order = axes === null ? x.shape.map((_, i) => x.shape.length - 1 - i) : reductionAxes(axes, x.shape.length, call)!;
    if (order.length !== x.shape.length || new Set(order).size !== order.length) throw new LayerError("axes don't match array");
    return { shape: order.map((i) => x.shape[i]!), dtype: x.dtype };
  },
};

const expandDims: OpRule = {
  compute(call) {
    const x = operand(call, 'x');
    const axes = ints(argument(call, 'axis'), 'axis');
    const rank = x.shape.length + axes.length;
    const resolved = axes.map((a) => {
      if (a < -rank || a >= rank) throw new LayerError(`axis ${a} is out of bounds for array of dimension ${rank}`);
      return a < 0 ? a + rank : a;
    });
    const rest = [...x.shape];
    const shape: Dim[] = Array.from({ length: rank }, (_, i) => (resolved.includes(i) ? 1 : rest.shift()!));
    return { shape, dtype: x.dtype };
  },
};

const squeeze: OpRule = {
  compute(call) {
    const x = operand(call, 'x');
    const given = argument(call, 'axis');
    const axes = reductionAxes(given, x.shape.length, call);
    if (axes === null) return { shape: x.shape.filter((d) => d !== 1), dtype: x.dtype };
    // Keras checks the symbolic shape, where None is not 1; a size known only at run time may be.
    (Array.isArray(given) ? given : [given]).forEach((raw, i) => {
      const dim = x.shape[axes[i]!]!;
      if (isSymbolic(dim)) throw new OpNotKnown(`squeezing axis ${String(raw)}, of a size known only at run time, is not analysed`);
      if (dim !== 1) throw new LayerError(`Cannot squeeze axis ${String(raw)}, because the dimension is not 1.`);
    });
    return { shape: x.shape.filter((_, i) => !axes.includes(i)), dtype: x.dtype };
  },
};

const concatenate: OpRule = {
  compute(call) {
    const xs = tensorList(call, 'xs');
    const rank = xs[0]!.shape.length;
    const given = argument(call, 'axis');
    if (given === null) throw new LayerError('`axis` cannot be None for `concatenate`.');
    const axis = reductionAxes(given, rank, call)![0]!;
    const shape: Dim[] = [...xs[0]!.shape];
    for (const x of xs.slice(1)) {
      if (x.shape.length !== rank) throw new LayerError(`all the input arrays must have same number of dimensions`);
      x.shape.forEach((d, i) => {
        if (i === axis) return;
        const s = shape[i]!;
        if (isKnown(s) && isKnown(d) && !sameDim(s, d)) {
          throw new LayerError(
            `\`xs\` must have the same shape except on the \`axis\` dimension, but received ${formatShape(xs[0]!.shape)} and ${formatShape(x.shape)}`,
          );
        }
        if (!isKnown(s)) shape[i] = d;
      });
    }
    const sizes = xs.map((x) => x.shape[axis]!);
    shape[axis] = sizes.every(isKnown) ? (sizes as number[]).reduce((a, b) => a + b, 0) : null;
    return { shape, dtype: promoted(xs) };
  },
};

const stack: OpRule = {
  compute(call) {
    const xs = tensorList(call, 'x');
    const first = xs[0]!.shape;
    for (const x of xs.slice(1)) {
      if (x.shape.length !== first.length || x.shape.some((d, i) => isKnown(d) && isKnown(first[i]!) && !sameDim(d, first[i]!))) {
        throw new LayerError('all input arrays must have the same shape');
      }
    }
    const rank = first.length + 1;
    const raw = argument(call, 'axis');
    const a = typeof raw === 'number' ? raw : 0;
    if (a < -rank || a >= rank) throw new LayerError(`axis ${a} is out of bounds for array of dimension ${rank}`);
    const axis = a < 0 ? a + rank : a;
    return { shape: [...first.slice(0, axis), xs.length, ...first.slice(axis)], dtype: promoted(xs) };
  },
};

export const shapeOps: Readonly<Record<string, OpRule>> = {
  'keras.ops.reshape': reshape,
  'keras.ops.transpose': transpose,
  'keras.ops.expand_dims': expandDims,
  'keras.ops.squeeze': squeeze,
  'keras.ops.concatenate': concatenate,
  'keras.ops.stack': stack,
  ...reorderingOps,
  ...repeatingOps,
  ...splitOps,
  ...joinOps,
  ...indexingOps,
  ...sortingOps,
  ...rearrangeOps,
};
