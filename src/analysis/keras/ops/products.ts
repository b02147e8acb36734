// keras.ops of the numpy family: products (matmul, dot, einsum, tensordot, …), diagonals and triangles, and tensors
// made from sizes (arange, eye, full, …): each op's output shapes and dtypes as Keras's compute_output_spec gives them
// (keras/src/ops/numpy.py). Products are here; einsum, diagonals and creation ops in products-*.ts.

import type { JsonValue } from '../../../graph/ir.js';
import { formatShape, isKnown, sameDim, type Dim, type Shape } from '../../../graph/shape.js';
import { broadcastShapes } from '../../tensor-ops.js';
import { LayerError } from '../rule.js';
import { argument, OpNotKnown, type OpCall, type OpOutput, type OpRule } from './op-rule.js';
import { binaryOpDtype, canonicalAxis, dimProduct, formatList, pyIndex, pySlice, tensorArgument } from './products-common.js';
import { creationOps, meshgrid } from './products-creation.js';
import { diagonalOps } from './products-diagonals.js';
import { einsumOps } from './products-einsum.js';

/** Two sizes Keras compares with `!=`; a size known only at run time may or may not match. */
function differ(a: Dim, b: Dim): boolean {
  if (sameDim(a, b)) return false;
  if (a === null || b === null) return true;
  if (!isKnown(a) || !isKnown(b)) throw new OpNotKnown('a size known only at run time decides whether Keras accepts the call');
  return true;
}

/** Keras's check where None matches anything: a mismatch of two known sizes. */
function mismatch(a: Dim, b: Dim): boolean {
  return a !== null && b !== null && differ(a, b);
}

/** A rule on the two tensor operands `x1` and `x2`, with Keras's dtype for the pair (from ops.json). */
function pairRule(shape: (x1: Shape, x2: Shape, call: OpCall) => Shape): OpRule {
  return {
    compute(call): OpOutput {
      const x1 = tensorArgument(call, 'x1');
      const x2 = tensorArgument(call, 'x2');
      if (x1.weak && x2.weak) throw new OpNotKnown(`${call.path} of two Python numbers is computed by the backend`);
      const output = shape(x1.shape, x2.shape, call);
      return { shape: output, dtype: binaryOpDtype(call, x1, x2) };
    },
  };
}

/** `operation_utils.compute_matmul_output_shape`: 1-D operands promoted to matrices, leading axes broadcast. */
function matmulShape(x1: Shape, x2: Shape): Shape {
  const shape1 = x1.length === 1 ? [1, x1[0]!] : x1;
  const shape2 = x2.length === 1 ? [x2[0]!, 1] : x2;
  const inner1 = pyIndex(shape1, -1, 'tuple');
  const inner2 = pyIndex(shape2, -2, 'tuple');
  if (mismatch(inner1, inner2)) {
    throw new LayerError(
      'Inner dimensions (`x1.shape[-1]` and `x2.shape[-2]`) must be equal, but received ' +
        `\`x1.shape=${formatShape(shape1)}\` and \`x2.shape=${formatShape(shape2)}\`.`,
    );
  }
  const output: Dim[] = [...broadcastShapes(shape1.slice(0, -2), shape2.slice(0, -2)), shape1.at(-2)!, shape2.at(-1)!];
  if (x1.length === 1) output.splice(-2, 1);
  if (x2.length === 1) output.splice(-1, 1);
  return output;
}

function dotShape(x1: Shape, x2: Shape): Shape {
  if (x1.length === 0 || x2.length === 0) return broadcastShapes(x1, x2); // Keras returns multiply(x1, x2)
  if (x1.length === 1 && x2.length === 1) return [];
  if (x2.length === 1) {
    if (differ(x1.at(-1)!, x2[0]!)) {
      throw new LayerError(
        'Shape must match on the last axis of `x1` and `x2` when `x1` is N-d array while `x2` is 1-D, but receive shape ' +
          `\`x1.shape=${formatShape(x1)}\` and x2.shape=\`${formatShape(x2)}\`.`,
      );
    }
    return x1.slice(0, -1);
  }
  if (mismatch(x1.at(-1)!, x2.at(-2)!)) {
    throw new LayerError(
      'Shape must match on the last axis of `x1` and second last axis of `x2` when `x1` is N-d array while `x2` is M-D, but ' +
        `received \`x1.shape=${formatShape(x1)}\` and x2.shape=\`${formatShape(x2)}\`.`,
    );
  }
  return [...x1.slice(0, -1), ...x2.slice(0, -2), x2.at(-1)!];
}

function axisList(value: JsonValue | undefined): number[] {
  if (!Array.isArray(value)) throw new LayerError(`'${typeof value === 'number' ? 'int' : typeof value}' object is not iterable`);
  if (!value.every((a) => typeof a === 'number' && Number.isInteger(a))) throw new OpNotKnown('`axes` of tensordot is not a list of ints');
  return value as number[];
}

/** Keras's `shape_equal(…, allow_none=True)`. */
function shapesMatch(a: readonly Dim[], b: readonly Dim[]): boolean {
  return a.length === b.length && a.every((d, i) => !mismatch(d, b[i]!));
}

function tensordotShape(x1: Shape, x2: Shape, call: OpCall): Shape {
  const axes = argument(call, 'axes');
  if (typeof axes === 'number' && Number.isInteger(axes)) {
    return axes <= 0 ? [...x1, ...x2] : [...pySlice(x1, 0, -axes), ...pySlice(x2, axes)];
  }
  if (!Array.isArray(axes)) throw new OpNotKnown('`axes` of tensordot is neither an int nor a pair of lists');
  const [axes1, axes2] = [axisList(pyIndex(axes, 0)), axisList(pyIndex(axes, 1))];
  const selected1 = axes1.map((a) => pyIndex(x1, a));
  const selected2 = axes2.map((a) => pyIndex(x2, a));
  if (!shapesMatch(selected1, selected2)) {
    throw new LayerError(
      `Shape mismatch on \`x1[axes[0]]\` and \`x2[axes[1]]\`, received ${formatList(selected1)} and ${formatList(selected2)}.`,
    );
  }
  const kept = (shape: Shape, axes: number[]): Dim[] => shape.filter((_, i) => !axes.some((a) => (a < 0 ? a + shape.length : a) === i));
  return [...kept(x1, axes1), ...kept(x2, axes2)];
}

function innerShape(x1: Shape, x2: Shape): Shape {
  if (x1.length === 0) return x2;
  if (x2.length === 0) return x1;
  if (mismatch(x1.at(-1)!, x2.at(-1)!)) {
    throw new LayerError(
      `\`inner\` requires the last dimension of \`x1\` and \`x2\` to match. Received: x1.shape=${formatShape(x1)}, x2.shape=${formatShape(x2)}.`,
    );
  }
  return [...x1.slice(0, -1), ...x2.slice(0, -1)];
}

const outerShape = (x1: Shape, x2: Shape): Shape => [dimProduct(x1), dimProduct(x2)];

/** Keras zips the two shapes: the output has the smaller rank. */
function kronShape(x1: Shape, x2: Shape): Shape {
  return x1.slice(0, Math.min(x1.length, x2.length)).map((d, i) => dimProduct([d, x2[i]!]));
}

function crossShape(x1: Shape, x2: Shape, call: OpCall): Shape {
  const axis = argument(call, 'axis');
  const [axisa, axisb, axisc] = axis !== null ? [axis, axis, axis] : ['axisa', 'axisb', 'axisc'].map((n) => argument(call, n));
  const integer = (a: JsonValue): number => {
    if (typeof a !== 'number' || !Number.isInteger(a)) throw new OpNotKnown('an axis of cross that is not an int is not analysed');
    return a;
  };
  const [a, b] = [integer(axisa!), integer(axisb!)];
  const size1 = pyIndex(x1, a);
  const size2 = pyIndex(x2, b);
  const rest1 = x1.filter((_, i) => i !== (a < 0 ? a + x1.length : a));
  const rest2 = x2.filter((_, i) => i !== (b < 0 ? b + x2.length : b));
  const output = broadcastShapes(rest1, rest2);
  const checkSize = (size: Dim, which: string, axisName: string): void => {
    if (size === null) return;
    if (!isKnown(size)) throw new OpNotKnown(`the size of the vectors of \`${which}\` is known only at run time`);
    if (size !== 2 && size !== 3)
      throw new LayerError(`\`${which}\`'s dim on \`axis={${axisName}}\` must be either 2 or 3, but received: ${size}`);
  };
  checkSize(size1, 'x1', 'axisa');
  checkSize(size2, 'x2', 'axisb');
  const vector = size1 === 3 || size2 === 3 ? [3] : [];
  const c = canonicalAxis(axisc!, output.length + vector.length);
  return [...output.slice(0, c), ...vector, ...output.slice(c)];
}

function correlateShape(x1: Shape, x2: Shape, call: OpCall): Shape {
  if (x1.length !== 1) throw new LayerError(`\`x1\` must be a 1-dimensional tensor, but receivedshape ${formatShape(x1)}`);
  if (x2.length !== 1) throw new LayerError(`\`x2\` must be a 1-dimensional tensor, but receivedshape ${formatShape(x2)}`);
  const [n1, n2] = [x1[0]!, x2[0]!];
  if (n1 === null || n2 === null) throw new LayerError("'>=' not supported between instances of 'NoneType' and 'int'");
  const mode = argument(call, 'mode');
  if (!isKnown(n1) || !isKnown(n2)) {
    if (mode === 'valid' || mode === 'same' || mode === 'full') return [null];
  } else if (mode === 'valid') return [Math.max(n1, n2) - Math.min(n1, n2) + 1];
  else if (mode === 'same') return [Math.max(n1, n2)];
  else if (mode === 'full') return [n1 + n2 - 1];
  throw new LayerError(`\`mode\` must be either \`valid\`, \`same\`, or \`full\`, butreceived: ${String(mode)}`);
}

export const productOps: Readonly<Record<string, OpRule>> = {
  ...einsumOps,
  'keras.ops.meshgrid': meshgrid,
  'keras.ops.matmul': pairRule(matmulShape),
  'keras.ops.dot': pairRule(dotShape),
  'keras.ops.tensordot': pairRule(tensordotShape),
  'keras.ops.inner': pairRule(innerShape),
  'keras.ops.outer': pairRule(outerShape),
  'keras.ops.vdot': pairRule(() => []),
  'keras.ops.kron': pairRule(kronShape),
  'keras.ops.cross': pairRule(crossShape),
  'keras.ops.correlate': pairRule(correlateShape), // the table's dtype: a non-float pair is float32
  ...diagonalOps,
  ...creationOps,
};
