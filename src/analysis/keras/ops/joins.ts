// keras.ops that join tensors along an axis: hstack, vstack, dstack, append (compute_output_spec of each,
// keras/src/ops/numpy.py). The dtype is Keras's result_type of the inputs.

import { formatShape, type Dim, type Shape } from '../../../graph/shape.js';
import { LayerError } from '../rule.js';
import { argument, OpNotKnown, type OpCall, type Operand, type OpOutput, type OpRule } from './op-rule.js';
import { flatSize, promoted, shapesMatch, sumDims, tensorList, tensorOperand } from './shape-helpers.js';

/** The first shape with the sizes of `axis` summed, after Keras's `shape_equal` check of every shape against it. */
function joined(shapes: readonly Shape[], axis: number): Shape {
  const first = shapes[0]!;
  for (const shape of shapes) {
    const match = shapesMatch(shape, first, [axis]);
    if (match === 'unknown') throw new OpNotKnown('shapes whose sizes are known only at run time are not compared');
    if (!match) {
      throw new LayerError(
        'Every value in `xs` must have the same shape except on the `axis` dim. But found element of shape ' +
          `${formatShape(shape)}, which is different from the first element's shape ${formatShape(first)}.`,
      );
    }
  }
  return first.map((d, i) => (i === axis ? sumDims(shapes.map((s) => s[axis]!)) : d));
}

/**
 * hstack and vstack: concatenation along `axis`. NumPy stacks tensors of fewer than 2 dimensions otherwise (hstack
 * concatenates 1-D ones along axis 0, vstack makes rows of them), where Keras's symbolic spec fails or concatenates:
 * hstack follows the first tensor's rank, vstack every tensor's.
 */
function stackAlong(axis: number, numpyStacks: (xs: readonly Operand[]) => boolean): OpRule {
  return {
    compute(call: OpCall): OpOutput {
      const xs = tensorList(call, 'xs');
      if (numpyStacks(xs)) throw new OpNotKnown(`${call.path} of tensors of fewer than 2 dimensions is not analysed`);
      return {
        shape: joined(
          xs.map((x) => x.shape),
          axis,
        ),
        dtype: promoted(xs),
      };
    },
  };
}

/** dstack: 0-D, 1-D and 2-D tensors as (1, 1, 1), (1, N, 1) and (M, N, 1), then concatenated along axis 2. */
const dstack: OpRule = {
  compute(call): OpOutput {
    const xs = tensorList(call, 'xs');
    const depthwise = (shape: Shape): Shape =>
      shape.length === 0 ? [1, 1, 1] : shape.length === 1 ? [1, shape[0]!, 1] : shape.length === 2 ? [...shape, 1] : shape;
    return {
      shape: joined(
        xs.map((x) => depthwise(x.shape)),
        2,
      ),
      dtype: promoted(xs),
    };
  },
};

const append: OpRule = {
  compute(call): OpOutput {
    const x1 = tensorOperand(call, 'x1');
    const x2 = tensorOperand(call, 'x2');
    const dtype = promoted([x1, x2]);
    const given = argument(call, 'axis');
    if (given === null) {
      const sizes = [flatSize(x1.shape), flatSize(x2.shape)];
      return { shape: [sumDims(sizes)], dtype };
    }
    if (typeof given !== 'number' || !Number.isInteger(given)) throw new OpNotKnown(`\`axis\` of ${call.path} is not an int`);
    const rank = x1.shape.length;
    const mismatch = (): LayerError =>
      new LayerError(
        `\`append\` requires inputs to have the same shape except the \`axis=${given}\`, but received shape ` +
          `${formatShape(x1.shape)} and ${formatShape(x2.shape)}.`,
      );
    if (x2.shape.length !== rank) throw mismatch();
    // Keras sets the axis of a Python list of each shape: out of range, an IndexError.
    if (given < -rank || given >= rank) throw new LayerError('list assignment index out of range');
    const match = shapesMatch(x1.shape, x2.shape, [given]);
    if (match === 'unknown') throw new OpNotKnown('shapes whose sizes are known only at run time are not compared');
    if (!match) throw mismatch();
    const axis = given < 0 ? given + rank : given;
    const sizes: Dim[] = [x1.shape[axis]!, x2.shape[axis]!];
    // Keras adds the two sizes as Python ints: None in one of them is a TypeError there, where NumPy would go on.
    if (sizes.includes(null)) throw new OpNotKnown("Keras's symbolic append adds a None size (a TypeError)");
    return { shape: x1.shape.map((d, i) => (i === axis ? sumDims(sizes) : d)), dtype };
  },
};

export const joinOps: Readonly<Record<string, OpRule>> = {
  'keras.ops.hstack': stackAlong(1, (xs) => xs[0]!.shape.length < 2),
  'keras.ops.vstack': stackAlong(0, (xs) => xs.some((x) => x.shape.length < 2)),
  'keras.ops.dstack': dstack,
  'keras.ops.append': append,
};
