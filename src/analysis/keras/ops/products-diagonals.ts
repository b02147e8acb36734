// keras.ops on diagonals and triangles: trace, diag, diagflat, diagonal, tril, triu, and vander (keras/src/ops/numpy.py).

import { formatShape, isKnown, type Dim, type Shape } from '../../../graph/shape.js';
import { LayerError } from '../rule.js';
import { argument, type OpCall, type OpOutput, type OpRule } from './op-rule.js';
import { canonicalAxis, dimProduct, intArgument, pythonNumber, symbolicArgument, unaryOpDtype } from './products-common.js';

/** A rule on the tensor `x`, with the table's dtype for it. */
function tensorRule(shape: (x: Shape, call: OpCall) => Shape): OpRule {
  return {
    compute(call): OpOutput {
      const x = symbolicArgument(call, 'x');
      return { shape: shape(x.shape, call), dtype: unaryOpDtype(call, x) };
    },
  };
}

/** The length of the `offset` diagonal of a rows × columns matrix; null when a side is not a known number. */
function diagonalLength(rows: Dim, columns: Dim, offset: number): Dim {
  if (!isKnown(rows) || !isKnown(columns)) return null;
  const remaining = offset > 0 ? columns - offset : rows + offset;
  return Math.max(0, Math.min(remaining, Math.min(rows, columns)));
}

/** The two axes `axis1` and `axis2` of a rank-`rank` tensor, canonical and distinct. */
function axisPair(call: OpCall, rank: number, sameMessage: string): [number, number] {
  const [raw1, raw2] = [argument(call, 'axis1'), argument(call, 'axis2')];
  const axis1 = canonicalAxis(raw1, rank);
  const axis2 = canonicalAxis(raw2, rank);
  if (axis1 === axis2)
    throw new LayerError(`\`axis1\` and \`axis2\` ${sameMessage}. Received: axis1=${String(raw1)}, axis2=${String(raw2)}`);
  return [axis1, axis2];
}

const withoutAxes = (shape: Shape, axes: readonly number[]): Dim[] => shape.filter((_, i) => !axes.includes(i));

function traceShape(x: Shape, call: OpCall): Shape {
  return withoutAxes(x, axisPair(call, x.length, 'must be different'));
}

function diagonalShape(x: Shape, call: OpCall): Shape {
  const [axis1, axis2] = axisPair(call, x.length, 'cannot be the same');
  return [...withoutAxes(x, [axis1, axis2]), diagonalLength(x[axis1]!, x[axis2]!, intArgument(call, 'offset'))];
}

function diagShape(x: Shape, call: OpCall): Shape {
  const k = intArgument(call, 'k');
  if (x.length === 1) {
    const n = x[0]!;
    return isKnown(n) ? [n + Math.abs(k), n + Math.abs(k)] : [null, null];
  }
  if (x.length === 2) return [diagonalLength(x[0]!, x[1]!, k)];
  throw new LayerError(`\`x\` must be 1-D or 2-D, but received shape ${formatShape(x)}.`);
}

function diagflatShape(x: Shape, call: OpCall): Shape {
  const k = intArgument(call, 'k');
  const size = dimProduct(x);
  return isKnown(size) ? [size + Math.abs(k), size + Math.abs(k)] : [null, null];
}

/** Python's repr of a number and the name of its type, for Keras's TypeErrors. */
function pythonRepr(value: number, type: 'int' | 'float'): string {
  const text = type === 'float' && Number.isInteger(value) ? value.toFixed(1) : String(value);
  return `${text} of type <class '${type}'>`;
}

function vanderShape(x: Shape, call: OpCall): Shape {
  if (x.length !== 1) throw new LayerError(`Input tensor must be 1-dimensional. Received: input.shape=${formatShape(x)}`);
  const n = pythonNumber(call, 'N');
  if (n?.type === 'float') throw new LayerError(`Argument \`N\` must be of type \`int\`. Received: N=${pythonRepr(n.value, n.type)}`);
  if (n && n.value < 0) throw new LayerError(`Argument 'N' must be nonnegative. Received: N=${n.value}`);
  const increasing = argument(call, 'increasing');
  if (typeof increasing !== 'boolean') {
    throw new LayerError(`Argument \`increasing\` must be of type \`bool\`. Received: increasing=${JSON.stringify(increasing)}`);
  }
  return [...x, n ? n.value : x[0]!];
}

export const diagonalOps: Readonly<Record<string, OpRule>> = {
  'keras.ops.trace': tensorRule(traceShape),
  'keras.ops.diag': tensorRule(diagShape),
  'keras.ops.diagflat': tensorRule(diagflatShape),
  'keras.ops.diagonal': tensorRule(diagonalShape),
  'keras.ops.tril': tensorRule((x) => x),
  'keras.ops.triu': tensorRule((x) => x),
  'keras.ops.vander': tensorRule(vanderShape),
};
