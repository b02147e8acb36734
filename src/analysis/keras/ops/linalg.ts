// keras.ops of the linalg family (keras/src/ops/linalg.py): each op's output shapes and dtypes as Keras's compute_output_spec gives them.
// Also the Python that those compute_output_spec methods do on sizes (`!=`, `min`, `//`), which math.ts shares.

import type { JsonValue } from '../../../graph/ir.js';
import { formatShape, isKnown, sameDim, symbolic, type Dim, type Shape, type SymbolicDim } from '../../../graph/shape.js';
import { termArithmetic } from '../../../graph/size-terms.js';
import { LayerError } from '../rule.js';
import { pythonRepr } from '../rules/util.js';
import {
  isOperand,
  OpNotKnown,
  operand,
  type OpArgument,
  type OpCall,
  type Operand,
  type OpOutput,
  type OpResult,
  type OpRule,
} from './op-rule.js';
import { unaryDtype } from './signatures.js';

// --- Python on sizes and values, as compute_output_spec runs it ----------------------

/** A size that is not None: a number, or one known only at run time (an int then). */
export type Size = number | SymbolicDim;

/**
 * Python's `a != b` on two sizes: None equals only None; a size known only at run time is an int, so it differs from
 * None, and from a number or another such size only at run time (undefined).
 */
export function sizesDiffer(a: Dim, b: Dim): boolean | undefined {
  if (sameDim(a, b)) return false;
  if (a === null || b === null || (isKnown(a) && isKnown(b))) return true;
  return undefined;
}

/** Python's `a != b` on two shape tuples. */
export function shapesDiffer(a: Shape, b: Shape): boolean | undefined {
  if (a.length !== b.length) return true;
  const each = a.map((d, i) => sizesDiffer(d, b[i]!));
  return each.includes(true) ? true : each.includes(undefined) ? undefined : false;
}

/** Raises Keras's error where the condition holds; where only run time can tell, the output is not known. */
export function raiseWhere(condition: boolean | undefined, message: string): void {
  if (condition === true) throw new LayerError(message);
  if (condition === undefined) throw new OpNotKnown(`whether Keras raises "${message}" depends on a size known only at run time`);
}

function sizeText(size: Size): string {
  if (isKnown(size)) return String(size);
  return size.symbol.includes(' ') ? `(${size.symbol})` : size.symbol;
}

const arithmetic = {
  '+': (a: number, b: number) => a + b,
  '-': (a: number, b: number) => a - b,
  '*': (a: number, b: number) => a * b,
  '//': (a: number, b: number) => Math.floor(a / b),
};

/** Python's int arithmetic on sizes; one known only at run time gives an expression, as operators.ts names them. */
export function sizeArithmetic(a: Size, operator: keyof typeof arithmetic, b: Size): Size {
  if (operator === '//' && b === 0) throw new LayerError('integer division or modulo by zero');
  if (isKnown(a) && isKnown(b)) return arithmetic[operator](a, b);
  const product = operator === '*' || operator === '//' ? termArithmetic(a, operator, b) : undefined;
  if (product !== undefined) return product as Size;
  return symbolic(`${sizeText(a)} ${operator} ${sizeText(b)}`);
}

/** Python's `min(a, b)`, which raises on None. */
export function minSize(a: Dim, b: Dim): Size {
  if (a === null || b === null) {
    const type = (d: Dim) => (d === null ? 'NoneType' : 'int');
    throw new LayerError(`'<' not supported between instances of '${type(b)}' and '${type(a)}'`);
  }
  if (isKnown(a) && isKnown(b)) return Math.min(a, b);
  if (sameDim(a, b)) return a;
  return symbolic(`min(${sizeText(a)}, ${sizeText(b)})`);
}

/** A KerasTensor of this shape and dtype: Keras's standardize_shape refuses a negative size. */
export function kerasTensor(shape: Shape, dtype: string): OpOutput {
  if (shape.some((d) => isKnown(d) && d < 0)) {
    throw new LayerError(`Cannot convert '${formatShape(shape)}' to a shape. Negative dimensions are not allowed.`);
  }
  return { shape, dtype };
}

/** Python's repr of a KerasTensor, as Keras's messages print one (without its name, which the analysis does not know). */
function tensorRepr(x: Operand): string {
  return `<KerasTensor shape=${formatShape(x.shape)}, dtype=${x.dtype}, sparse=False, ragged=False>`;
}

function floatRepr(value: number): string {
  if (Number.isNaN(value)) return 'nan';
  if (!Number.isFinite(value)) return value > 0 ? 'inf' : '-inf';
  return Number.isInteger(value) ? `${value}.0` : String(value);
}

/** Python's str of an argument, as an f-string in Keras's messages prints it. */
export function pythonStr(value: OpArgument | undefined): string {
  if (isOperand(value)) {
    if (value.weak === 'float') return floatRepr(value.value!);
    return value.weak ? String(value.value) : tensorRepr(value);
  }
  if (Array.isArray(value) && value.some((v) => isOperand(v as OpArgument))) {
    const items = (value as OpArgument[]).map(pythonStr);
    return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
  }
  return typeof value === 'string' ? value : pythonRepr(value as Exclude<OpArgument, Operand | readonly Operand[]>);
}

/**
 * An argument that must be a Python int: its value, or a size known only at run time (a data-dependent int reaches the
 * op as its expression). Anything else is not analysed.
 */
export function sizeArgument(call: OpCall, name: string): Size {
  const value = call.arguments.get(name);
  if (isOperand(value) && value.weak === 'int') return value.value!;
  if (typeof value === 'string') return symbolic(value);
  throw new OpNotKnown(`\`${name}\` of ${call.path} is not an int`);
}

/** Python's truth of an argument (`if self.full_matrices:`). */
export function truthy(call: OpCall, name: string): boolean {
  const value = call.arguments.get(name);
  if (isOperand(value)) {
    if (value.weak) return value.value !== 0;
    throw new LayerError('A symbolic KerasTensor cannot be used as a boolean.');
  }
  if (value === null || value === undefined || value === false || value === 0 || value === '') return false;
  return !(Array.isArray(value) && value.length === 0);
}

// --- the checks of keras/src/ops/linalg.py --------------------------------------------

type Check = (x: Operand) => void;

const rankAtLeast2: Check = (x) => {
  if (x.shape.length < 2) throw new LayerError(`Expected input to have rank >= 2. Received input with shape ${formatShape(x.shape)}.`);
};

/** `_assert_square`: `m, n = a.shape[-2:]` before `m != n`. */
const square: Check = (x) => {
  if (x.shape.length < 2) throw new LayerError(`not enough values to unpack (expected 2, got ${x.shape.length})`);
  const [m, n] = x.shape.slice(-2);
  raiseWhere(sizesDiffer(m!, n!), `Expected a square matrix. Received non-square input with shape ${formatShape(x.shape)}`);
};

const rankAtLeast1 = (x: Operand): void => {
  if (x.shape.length < 1) throw new LayerError(`Expected input to have rank >= 1. Received scalar input ${pythonStr(x)}.`);
};

function assertCompatible(a: Operand, b: Operand): void {
  const axis = a.shape.length === b.shape.length ? -2 : a.shape.length === b.shape.length - 1 ? -1 : undefined;
  if (axis === undefined) return;
  raiseWhere(
    sizesDiffer(a.shape.at(axis)!, b.shape.at(axis)!),
    `Incompatible shapes between \`a\` and \`b\`. Expected \`a.shape[${axis}] == b.shape[${axis}]\`. ` +
      `Received: a.shape=${formatShape(a.shape)}, b.shape=${formatShape(b.shape)}`,
  );
}

// --- the ops --------------------------------------------------------------------------

const batchOf = (x: Operand): Shape => x.shape.slice(0, -2);
const matrixOf = (x: Operand): [Dim, Dim] => [x.shape.at(-2)!, x.shape.at(-1)!];

function svdOf(x: Operand, call: OpCall): OpResult {
  const [rows, columns] = matrixOf(x);
  const k = minSize(rows, columns);
  const s = kerasTensor([...batchOf(x), k], x.dtype);
  if (!truthy(call, 'compute_uv')) return s;
  const full = truthy(call, 'full_matrices');
  const u = [...batchOf(x), rows, full ? rows : k];
  const v = [...batchOf(x), full ? columns : k, columns];
  return { tuple: [kerasTensor(u, x.dtype), s, kerasTensor(v, x.dtype)] };
}

/** Ops of one matrix (or a stack of them): the checks their compute_output_spec makes, in its order, and their outputs. */
const matrixOps: Readonly<Record<string, readonly [checks: readonly Check[], output: (x: Operand, call: OpCall) => OpResult]>> = {
  cholesky: [[rankAtLeast2, square], (x) => kerasTensor(x.shape, x.dtype)],
  cholesky_inverse: [[rankAtLeast2, square], (x) => kerasTensor(x.shape, x.dtype)],
  det: [[rankAtLeast2, square], (x) => kerasTensor(batchOf(x), x.dtype)],
  eig: [[square, rankAtLeast2], (x) => ({ tuple: [kerasTensor(x.shape.slice(0, -1), x.dtype), kerasTensor(x.shape, x.dtype)] })],
  eigh: [[square, rankAtLeast2], (x) => ({ tuple: [kerasTensor(x.shape.slice(0, -1), x.dtype), kerasTensor(x.shape, x.dtype)] })],
  inv: [[rankAtLeast2, square], (x) => kerasTensor(x.shape, x.dtype)],
  lu_factor: [
    [rankAtLeast2],
    (x) => ({ tuple: [kerasTensor(x.shape, x.dtype), kerasTensor([...batchOf(x), minSize(...matrixOf(x))], x.dtype)] }),
  ],
  matrix_rank: [[rankAtLeast2], (x) => kerasTensor(batchOf(x), 'int32')],
  pinv: [[rankAtLeast2], (x) => kerasTensor([...batchOf(x), ...matrixOf(x).reverse()], x.dtype)],
  svd: [[rankAtLeast2], svdOf],
};

function matrixRule([checks, output]: (typeof matrixOps)[string]): OpRule {
  return {
    compute(call) {
      const x = operand(call, 'x');
      checks.forEach((check) => check(x));
      return output(x, call);
    },
  };
}

/** `solve(a, b)` and `solve_triangular(a, b)`: b's shape and dtype. */
const solve: OpRule = {
  compute(call) {
    const a = operand(call, 'a');
    const b = operand(call, 'b');
    rankAtLeast2(a);
    square(a);
    rankAtLeast1(b);
    assertCompatible(a, b);
    return kerasTensor(b.shape, b.dtype);
  },
};

const lstsq: OpRule = {
  compute(call) {
    const a = operand(call, 'a');
    const b = operand(call, 'b');
    if (a.shape.length !== 2) throw new LayerError(`Expected a to have rank 2. Received: a.shape=${formatShape(a.shape)}`);
    if (b.shape.length !== 1 && b.shape.length !== 2) {
      throw new LayerError(`Expected b to have rank 1 or 2. Received: b.shape=${formatShape(b.shape)}`);
    }
    const [m, n] = a.shape as [Dim, Dim];
    raiseWhere(
      sizesDiffer(b.shape[0]!, m),
      `Expected b.shape[0] to be equal to a.shape[0]. Received: a.shape=${formatShape(a.shape)}, b.shape=${formatShape(b.shape)}`,
    );
    return kerasTensor(b.shape.length === 2 ? [n, b.shape[1]!] : [n], a.dtype);
  },
};

const qr: OpRule = {
  compute(call) {
    const mode = call.arguments.get('mode');
    if (mode !== 'reduced' && mode !== 'complete') {
      throw new LayerError(
        `\`mode\` argument value not supported. Expected one of {'reduced', 'complete'}. Received: mode=${pythonStr(mode)}`,
      );
    }
    const x = operand(call, 'x');
    if (x.shape.length < 2) throw new LayerError(`Input should have rank >= 2. Received: input.shape = ${formatShape(x.shape)}`);
    const [m, n] = matrixOf(x);
    if (m === null || n === null) {
      throw new LayerError(`Input should have its last 2 dimensions fully-defined. Received: input.shape = ${formatShape(x.shape)}`);
    }
    const k = minSize(m, n);
    const shapes =
      mode === 'reduced'
        ? [
            [m, k],
            [k, n],
          ]
        : [
            [m, m],
            [m, n],
          ];
    return { tuple: shapes.map((matrix) => kerasTensor([...batchOf(x), ...matrix], x.dtype)) };
  },
};

/** The `ord` values of a matrix norm (Python's `in`, where `True == 1` and `1.0 == 1`). */
const matrixOrds: readonly (string | number | null)[] = [null, 'fro', 'nuc', Infinity, -Infinity, 1, -1, 2, -2];

/** `ord` as Python compares it (`True == 1`), or undefined for a tensor, which is not analysed. */
function ordValue(value: OpArgument | undefined, call: OpCall): JsonValue {
  if (isOperand(value)) {
    if (value.weak) return value.value!;
    throw new OpNotKnown(`a tensor as \`ord\` of ${call.path} is not analysed`);
  }
  if (typeof value === 'boolean') return value ? 1 : 0;
  return (value ?? null) as JsonValue;
}

/** `axis` as Norm's constructor keeps it: an int becomes a list of one. */
function normAxis(value: OpArgument | undefined, call: OpCall): readonly JsonValue[] | null {
  if (value === null || value === undefined) return null;
  if (isOperand(value) && value.weak === 'int') return [value.value!];
  if (Array.isArray(value) && !value.some((v) => isOperand(v as OpArgument))) return value as JsonValue[];
  throw new OpNotKnown(`\`axis\` of ${call.path} is not an int or a tuple of ints`);
}

/** Keras's canonicalize_axis, with its message. */
function canonicalAxis(axis: JsonValue, rank: number, call: OpCall): number {
  if (typeof axis !== 'number' || !Number.isInteger(axis)) throw new OpNotKnown(`\`axis\` of ${call.path} is not an int`);
  if (axis < -rank || axis >= rank) throw new LayerError(`axis ${axis} is out of bounds for an array with dimension ${rank}.`);
  return axis < 0 ? axis + rank : axis;
}

/** Keras's reduce_shape, to the letter (a repeated axis is deleted twice). */
function reduceShape(shape: Shape, axes: readonly number[] | null, keepdims: boolean): Shape {
  if (axes === null) return keepdims ? shape.map(() => 1) : [];
  const out = [...shape];
  if (keepdims) axes.forEach((axis) => (out[axis] = 1));
  else [...axes].sort((a, b) => b - a).forEach((axis) => out.splice(axis, 1));
  return out;
}

const norm: OpRule = {
  compute(call) {
    const x = operand(call, 'x');
    const ord = ordValue(call.arguments.get('ord'), call);
    if (typeof ord === 'string' && ord !== 'fro' && ord !== 'nuc') {
      throw new LayerError(`Invalid \`ord\` argument. Expected one of {'fro', 'nuc'} when using string. Received: ord=${ord}`);
    }
    const axis = normAxis(call.arguments.get('axis'), call);
    const count = axis === null ? x.shape.length : axis.length;
    if (count === 1 && typeof ord === 'string') throw new LayerError(`Invalid \`ord\` argument for vector norm. Received: ord=${ord}`);
    if (count === 2 && !matrixOrds.includes(ord as string | number | null)) {
      throw new LayerError(`Invalid \`ord\` argument for matrix norm. Received: ord=${pythonStr(call.arguments.get('ord'))}`);
    }
    const dtype = unaryDtype(call.path, x.dtype);
    if (dtype === undefined) throw new OpNotKnown(`the dtype of ${call.path} on a ${x.dtype} tensor is not known`);
    const axes = axis === null ? null : axis.map((a) => canonicalAxis(a, x.shape.length, call));
    return kerasTensor(reduceShape(x.shape, axes, truthy(call, 'keepdims')), dtype);
  },
};

/**
 * `slogdet(x)`: sign and log|det| of each matrix. Keras's symbolic spec gives sign the shape () whatever the batch;
 * the backend gives both the batch shape, and float32 for an integer x.
 */
const slogdet: OpRule = {
  compute(call) {
    const x = operand(call, 'x');
    if (call.symbolic) return { tuple: [kerasTensor([], x.dtype), kerasTensor(x.shape.slice(0, -2), x.dtype)] };
    const dtype = x.dtype.startsWith('float') || x.dtype === 'bfloat16' ? x.dtype : 'float32';
    return { tuple: [kerasTensor(x.shape.slice(0, -2), dtype), kerasTensor(x.shape.slice(0, -2), dtype)] };
  },
};

export const linalgOps: Readonly<Record<string, OpRule>> = {
  ...Object.fromEntries(Object.entries(matrixOps).map(([name, op]) => [`keras.ops.${name}`, matrixRule(op)])),
  'keras.ops.solve': solve,
  'keras.ops.solve_triangular': solve,
  'keras.ops.lstsq': lstsq,
  'keras.ops.qr': qr,
  'keras.ops.norm': norm,
  'keras.ops.slogdet': slogdet,
};
