// The generated facts of every `keras.ops` function (scripts/generate-keras-ops.py): its parameters and the output
// dtype Keras gives for each input dtype, called on one tensor or two (or a tensor and a Python number).

import type { Parameter } from '../registry.js';
import table from './ops.json' with { type: 'json' };
import type { Operand } from './op-rule.js';

interface OpSignature {
  readonly module: string;
  readonly parameters: readonly Parameter[];
  readonly aliases?: readonly string[];
  /** The Operation class Keras makes a node of (`Sigmoid`), as summary() names it; absent where no symbolic call was tried. */
  readonly class?: string;
  /** One character per dtype of `dtypes`: an index into `names`, `-` where Keras refuses the call. */
  readonly unary?: string;
  /** For (a, b), a in `dtypes`, b in `dtypes` then `scalars`; then (scalar, a). */
  readonly binary?: string;
  /** The input dtypes on which the op computes another dtype than its symbolic call says, with that dtype. */
  readonly eagerUnary?: Readonly<Record<string, string>>;
}

interface OpTable {
  readonly keras: string;
  readonly dtypes: readonly string[];
  readonly scalars: readonly string[];
  readonly names: readonly string[];
  /** keras.backend.result_type of each pair, in the layout of a `binary` table. */
  readonly result_type: string;
  readonly ops: Readonly<Record<string, OpSignature>>;
}

const ops = table as OpTable;
const alphabet = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

export const kerasVersionOfOps: string = ops.keras;

export function opSignature(path: string): OpSignature | undefined {
  return ops.ops[path];
}

/** Every public path of `keras.ops`, aliases (`keras.ops.nn.relu`) included, with the canonical one it stands for. */
export function opPaths(): [path: string, canonical: string][] {
  return Object.entries(ops.ops).flatMap(([path, entry]) => [
    [path, path] as [string, string],
    ...(entry.aliases ?? []).map((a): [string, string] => [a, path]),
  ]);
}

function decode(code: string | undefined, index: number): string | undefined {
  const c = code?.[index];
  return c === undefined || c === '-' ? undefined : ops.names[alphabet.indexOf(c)];
}

/** Keras's output dtype of the op on one tensor of this dtype, or undefined when Keras refuses it (or it is not known). */
export function unaryDtype(path: string, dtype: string): string | undefined {
  const i = ops.dtypes.indexOf(dtype);
  return i < 0 ? undefined : decode(ops.ops[path]?.unary, i);
}

/**
 * The dtype the op computes on one concrete tensor of this dtype where its symbolic call says another (`gelu` of int32:
 * int32 symbolically, float32 computed), or undefined where they agree.
 */
export function eagerUnaryDtype(path: string, dtype: string): string | undefined {
  return ops.ops[path]?.eagerUnary?.[dtype];
}

/** Keras's output dtype of the op on two operands (a Python number by its weak type). */
export function binaryDtype(path: string, a: Operand, b: Operand): string | undefined {
  return pairDtype(ops.ops[path]?.binary, a, b);
}

/** `keras.backend.result_type` of the operands, pairwise from the left (undefined for a dtype outside the table). */
export function resultType(...operands: readonly Operand[]): string | undefined {
  let dtype: Operand | undefined = operands[0];
  for (const next of operands.slice(1)) {
    const promoted = dtype && pairDtype(ops.result_type, dtype, next);
    dtype = promoted === undefined ? undefined : { shape: [], dtype: promoted };
  }
  return dtype?.weak ? (dtype.weak === 'float' ? 'float32' : 'int32') : dtype?.dtype;
}

function pairDtype(code: string | undefined, a: Operand, b: Operand): string | undefined {
  const operands = [...ops.dtypes, ...ops.scalars];
  const width = operands.length;
  if (a.weak && b.weak) return a.weak === 'float' || b.weak === 'float' ? 'float32' : 'int32';
  if (a.weak) {
    const i = ops.dtypes.indexOf(b.dtype);
    return i < 0 ? undefined : decode(code, ops.dtypes.length * width + ops.scalars.indexOf(a.weak) * ops.dtypes.length + i);
  }
  const i = ops.dtypes.indexOf(a.dtype);
  const j = b.weak ? ops.dtypes.length + ops.scalars.indexOf(b.weak) : ops.dtypes.indexOf(b.dtype);
  return i < 0 || j < 0 ? undefined : decode(code, i * width + j);
}
