// `np.array(...)` and `np.asarray(...)` of numbers written in the file (`np.array([0.5, 0.2, -0.1])`): an array whose
// shape, dtype and values are known, as NumPy infers them. Keras stores such arguments (Normalization's `mean=`,
// Rescaling's `scale=`) as the nested list, and the engine feeds such an array as it is.

import { isSequence, none, unknown, type Arguments, type Value } from '../../values.js';
import { apiFunction, type ApiFunction } from '../api-context.js';
import type { JsonValue } from '../../../graph/ir.js';

/** Larger literals are left unknown: the analysis keeps every value in memory and in the IR. */
const maxElements = 100_000;

type Scalar = { kind: 'bool' | 'int' | 'float'; value: number | boolean };

interface Literal {
  readonly shape: number[];
  readonly leaves: Scalar[];
  readonly nested: JsonValue;
}

/** The nested numbers of a value, or why it is not a rectangular array of numbers. */
function literal(value: Value): Literal | string {
  if (value.kind === 'int' || value.kind === 'float' || value.kind === 'bool') {
    return { shape: [], leaves: [value], nested: value.value };
  }
  if (value.kind === 'unknown') return value.reason;
  if (!isSequence(value)) return `a ${value.kind} is not an array of numbers Tensor Lens reads`;
  const items = value.items.map(literal);
  const problem = items.find((item) => typeof item === 'string');
  if (problem !== undefined) return problem;
  const parts = items as Literal[];
  const inner = parts[0]?.shape ?? [];
  if (parts.some((p) => p.shape.join() !== inner.join())) return 'a ragged list is not an array NumPy makes';
  const leaves = parts.flatMap((p) => p.leaves);
  if (leaves.length > maxElements) return `an array literal of over ${maxElements} numbers is not read`;
  return { shape: [parts.length, ...inner], leaves, nested: parts.map((p) => p.nested) };
}

const numpyDtypes = new Set(['float16', 'float32', 'float64', 'int8', 'int16', 'int32', 'int64', 'uint8', 'bool']);

/** NumPy's dtype of the literal: `dtype=` as given, else bool, int64 or float64 by its widest element. */
function dtypeOf(args: Arguments, leaves: readonly Scalar[]): string | undefined {
  const given = args.keywords.get('dtype') ?? args.positional[1];
  if (given !== undefined && given.kind !== 'none') {
    const name = given.kind === 'str' ? given.value : given.kind === 'module' ? given.path.slice(given.path.lastIndexOf('.') + 1) : '';
    return numpyDtypes.has(name) ? name : undefined;
  }
  if (leaves.some((l) => l.kind === 'float')) return 'float64';
  if (leaves.some((l) => l.kind === 'int')) return 'int64';
  return leaves.length > 0 ? 'bool' : 'float64';
}

function fromLiteral(path: string, args: Arguments): Value {
  const object = args.positional[0] ?? args.keywords.get('object') ?? args.keywords.get('a');
  if (!object) return unknown(`${path}() without an array is not known`);
  const found = literal(object);
  if (typeof found === 'string') return unknown(`the array given to ${path}() is not known: ${found}`);
  const dtype = dtypeOf(args, found.leaves);
  if (!dtype) return unknown(`the dtype given to ${path}() is not known`);
  return { kind: 'array', shape: found.shape, dtype, source: { kind: 'constructor', fn: 'np.array', args: { object: found.nested } } };
}

/** `np.linspace(start, stop, num=50, endpoint=True)` of known numbers: its float64 values, as NumPy computes them. */
function linspace(args: Arguments): Value {
  const [start, stop, num, endpoint] = ['start', 'stop', 'num', 'endpoint'].map((name, i) => args.positional[i] ?? args.keywords.get(name));
  const count = num ?? { kind: 'int', value: 50 };
  const closed = endpoint === undefined ? true : endpoint.kind === 'bool' ? endpoint.value : undefined;
  const number = (v: Value | undefined): number | undefined => (v?.kind === 'int' || v?.kind === 'float' ? v.value : undefined);
  const [a, b] = [number(start), number(stop)];
  if (a === undefined || b === undefined || count.kind !== 'int' || count.value < 0 || closed === undefined || args.keywords.has('dtype')) {
    return unknown('np.linspace() of values that are not known');
  }
  if (count.value > maxElements) return unknown(`np.linspace() of over ${maxElements} numbers is not read`);
  const divisions = closed ? count.value - 1 : count.value;
  const step = divisions > 0 ? (b - a) / divisions : 0;
  const values = Array.from({ length: count.value }, (_, i) => (closed && i === count.value - 1 && i > 0 ? b : a + i * step));
  return {
    kind: 'array',
    shape: [count.value],
    dtype: 'float64',
    source: { kind: 'constructor', fn: 'np.array', args: { object: values } },
  };
}

/** The numbers of a one-dimensional `np.array` literal, as iterating it gives them (NumPy scalars, read as Python numbers). */
export function arrayLiteralItems(value: Value): Value[] | undefined {
  const nested = arrayLiteralJson(value);
  if (!Array.isArray(nested) || value.kind !== 'array' || value.shape.length !== 1) return undefined;
  const float = value.dtype.startsWith('float');
  return nested.map((n): Value =>
    typeof n === 'boolean' ? { kind: 'bool', value: n } : float ? { kind: 'float', value: Number(n) } : { kind: 'int', value: Number(n) },
  );
}

export const arrayLiteralFunctions: readonly ApiFunction[] = [
  ...['np.array', 'np.asarray'].map((path) => apiFunction(path, (_context, args) => fromLiteral(path, args))),
  apiFunction('np.linspace', (_context, args) => linspace(args)),
  // `a[:, np.newaxis]` adds an axis, as `a[:, None]`.
  { kind: 'value', path: 'np.newaxis', value: none },
];

/** The nested list an `np.array` literal was made from (what Keras stores of it in a config), or undefined. */
export function arrayLiteralJson(value: Value): JsonValue | undefined {
  if (value.kind !== 'array' || value.source.kind !== 'constructor' || value.source.fn !== 'np.array') return undefined;
  return value.source.args['object'];
}
