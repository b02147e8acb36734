// keras.ops of the nn family (keras/src/ops/nn.py): convolutions, pooling, softmax, one_hot, normalizations, losses: each op's output shapes and dtypes as Keras's compute_output_spec gives them.
// The windowed ops are in nn-conv.ts, the losses in nn-losses.ts, depth_to_space & co. in nn-reshape.ts; the
// element-wise activations (relu, gelu, …) are rules of elementwise.ts.

import type { JsonValue } from '../../../graph/ir.js';
import { formatShape, isKnown, type Dim, type Shape } from '../../../graph/shape.js';
import { LayerError } from '../rule.js';
import { argument, OpNotKnown, type OpCall, type Operand, type OpOutput, type OpRule } from './op-rule.js';
import { convOps } from './nn-conv.js';
import { lossOps } from './nn-losses.js';
import { reshapeOps } from './nn-reshape.js';
import {
  canonicalizeAxes,
  canonicalizeAxis,
  optionalOperand,
  pyIndex,
  shapeOfArgument,
  shapesDiffer,
  sizeValue,
  symbolicOperand,
} from './nn-util.js';
import { standardizeDtype } from './dtypes.js';
import { resultType } from './signatures.js';

/** The output of a rule that keeps the shape of `x`: its dtype, or `dtype` where compute_output_spec gives none (float32). */
function sameShape(check: (call: OpCall, x: Operand) => void = () => {}, dtype?: string): OpRule {
  return {
    compute(call): OpOutput {
      const x = symbolicOperand(call, [...call.arguments.keys()][0]!);
      check(call, x);
      return { shape: x.shape, dtype: dtype ?? x.dtype };
    },
  };
}

/** softmax, log_softmax and normalize check `axis` (an int or a tuple; None for all) against the rank. */
const checkAxes = (call: OpCall, x: Operand): void => {
  const axis = argument(call, 'axis');
  if (axis !== null) canonicalizeAxes(axis, x.shape.length);
};

/** `glu(x, axis)`: the axis halved (an odd size is Keras's error). */
const glu: OpRule = {
  compute(call) {
    const x = symbolicOperand(call, 'x');
    const axis = argument(call, 'axis');
    if (typeof axis !== 'number' || !Number.isInteger(axis)) throw new OpNotKnown(`\`axis\`=${String(axis)} is not analysed`);
    const rank = x.shape.length;
    if (axis < -rank || axis >= rank) throw new LayerError('list index out of range');
    const i = axis < 0 ? axis + rank : axis;
    const shape = [...x.shape];
    const size = shape[i]!;
    if (isKnown(size) && size % 2 !== 0) {
      throw new LayerError(`axis size must be divisible by 2. Received: x.shape=${formatShape(x.shape)} with axis=${axis}`);
    }
    shape[i] = isKnown(size) ? size / 2 : null;
    return { shape, dtype: x.dtype };
  },
};

/** `num_classes` inserted at `axis` (-1: appended), as one_hot and multi_hot do. */
function withClasses(call: OpCall, shape: Shape): Dim[] {
  const classes = sizeValue(argument(call, 'num_classes'), 'num_classes');
  const axis = argument(call, 'axis');
  if (typeof axis !== 'number' || !Number.isInteger(axis)) throw new OpNotKnown(`\`axis\`=${String(axis)} is not analysed`);
  const out = [...shape];
  if (axis === -1) out.push(classes);
  else if (axis >= 0 && axis < out.length) out.splice(axis, 0, classes);
  else throw new LayerError(`axis must be -1 or between [0, ${shape.length}), but received ${axis}.`);
  return out;
}

/** The dtype argument, float32 for None. */
const oneHot: OpRule = {
  compute(call) {
    const dtype = standardizeDtype(argument(call, 'dtype'));
    const x = symbolicOperand(call, 'x');
    return { shape: withClasses(call, x.shape), dtype };
  },
};

/** Keras 3.15's compute_output_spec: the classes inserted, then the second axis dropped; the input's dtype. */
const multiHot: OpRule = {
  compute(call) {
    if (argument(call, 'num_classes') === null) throw new LayerError('Argument `num_classes` must be specified.');
    standardizeDtype(argument(call, 'dtype'));
    const x = symbolicOperand(call, 'inputs');
    const shape = withClasses(call, x.shape);
    return { shape: shape.length === 2 ? [shape[1]!] : [shape[0]!, ...shape.slice(2)], dtype: x.dtype };
  },
};

/** Keras's `reduce_shape`, duplicated axes included (without keepdims each is deleted in turn, as Python's `del` does). */
function reduceShape(shape: Shape, axes: JsonValue, keepdims: boolean): Dim[] {
  if (axes === null) return keepdims ? shape.map(() => 1) : [];
  const resolved = (Array.isArray(axes) ? axes : [axes]).map((a) => canonicalizeAxis(a, shape.length));
  const out = [...shape];
  if (keepdims) {
    for (const axis of resolved) out[axis] = 1;
    return out;
  }
  for (const axis of [...resolved].sort((a, b) => b - a)) out.splice(axis, 1);
  return out;
}

/** `moments(x, axes)`: the mean and the variance, both reduced over `axes`, in the dtype of x. */
const moments: OpRule = {
  compute(call) {
    const x = symbolicOperand(call, 'x');
    const shape = reduceShape(x.shape, argument(call, 'axes'), argument(call, 'keepdims') === true);
    return { tuple: [0, 1].map(() => ({ shape, dtype: x.dtype })) };
  },
};

/** mean, variance, offset and scale must each be a vector of `x.shape[axis]` sizes. */
const batchNormalization: OpRule = {
  compute(call) {
    const x = symbolicOperand(call, 'x');
    const axis = argument(call, 'axis');
    if (typeof axis !== 'number' || !Number.isInteger(axis)) throw new OpNotKnown(`\`axis\`=${String(axis)} is not analysed`);
    const expected: Shape = [pyIndex(x.shape, axis)];
    const check = (name: string): void => {
      const shape = shapeOfArgument(call, name);
      if (shapesDiffer(shape, expected, `the shape of \`${name}\` and x.shape[axis]`)) {
        throw new LayerError(
          `Arguments \`${name}\` must be a vector of length \`x.shape[axis]\`. Expected: \`${formatShape(expected)}\`. Received: \`${formatShape(shape)}.`,
        );
      }
    };
    check('mean');
    check('variance');
    const offset = optionalOperand(call, 'offset');
    const scale = optionalOperand(call, 'scale');
    if (offset) check('offset');
    // `if offset is not scale`: an offset without a scale reads the shape of None.
    if (offset || scale) check('scale');
    return { shape: x.shape, dtype: x.dtype };
  },
};

/** The query's shape, the dtype the query, key and value promote to. */
const dotProductAttention: OpRule = {
  compute(call) {
    if (argument(call, 'attn_logits_soft_cap') !== null) {
      throw new OpNotKnown('`attn_logits_soft_cap` is accepted by JAX on TPU only: not analysed');
    }
    const [query, key, value] = ['query', 'key', 'value'].map((name) => symbolicOperand(call, name)) as [Operand, Operand, Operand];
    const dtype = resultType(query, key, value);
    if (dtype === undefined) throw new OpNotKnown(`the promotion of ${query.dtype}, ${key.dtype} and ${value.dtype} is not known`);
    return { shape: query.shape, dtype };
  },
};

/** `polar(abs_, angle)`: the shape of abs_, KerasTensor's default dtype float32 (compute_output_spec gives none). */
const polar: OpRule = {
  compute(call) {
    const abs = symbolicOperand(call, 'abs_');
    symbolicOperand(call, 'angle');
    return { shape: abs.shape, dtype: 'float32' };
  },
};

/** `sparsemax(x, axis)`: a single int axis (canonicalize_axis). */
const checkAxis = (call: OpCall, x: Operand): void => {
  canonicalizeAxis(argument(call, 'axis'), x.shape.length);
};

export const nnOps: Readonly<Record<string, OpRule>> = {
  'keras.ops.softmax': sameShape(checkAxes),
  'keras.ops.log_softmax': sameShape(checkAxes),
  'keras.ops.sparsemax': sameShape(checkAxis),
  'keras.ops.normalize': sameShape(checkAxes, 'float32'),
  'keras.ops.threshold': sameShape(),
  'keras.ops.layer_normalization': sameShape(),
  'keras.ops.rms_normalization': sameShape(),
  'keras.ops.glu': glu,
  'keras.ops.one_hot': oneHot,
  'keras.ops.multi_hot': multiHot,
  'keras.ops.moments': moments,
  'keras.ops.batch_normalization': batchNormalization,
  'keras.ops.dot_product_attention': dotProductAttention,
  'keras.ops.polar': polar,
  ...convOps,
  ...lossOps,
  ...reshapeOps,
};
