// What names outside the file mean: Python's builtins, and the Keras, TensorFlow
// and NumPy entry points a model file calls, looked up by canonical path.

import { symbolic, type Dim, type Shape } from '../graph/shape.js';
import type { Interpreter } from './interpreter.js';
import { argumentParser } from './argparse.js';
import { layerSpec } from './keras/registry.js';
import { type Arguments, type BuiltinFunction, int, isSequence, none, str, truthy, tuple, unknown, type Value } from './values.js';
import { formatValue } from './interpreter.js';

const analysedRoots = new Set(['keras', 'tf', 'np', 'math', 'argparse']);

export function isAnalysedRoot(path: string): boolean {
  return analysedRoots.has(path.split('.')[0]!);
}

function builtin(name: string, call: BuiltinFunction): Value {
  return { kind: 'builtin', name, call };
}

/** Python's builtins that model files use; `super` is the interpreter's own. */
export function createPythonBuiltins(interpreter: Interpreter): Map<string, Value> {
  const numbers = (args: Arguments): number[] | undefined => {
    const values = args.positional.length === 1 ? interpreter.iterate(args.positional[0]!) : args.positional;
    if (!values || !values.every((v) => v.kind === 'int' || v.kind === 'float')) return undefined;
    return values.map((v) => (v as { value: number }).value);
  };
  const entries: [string, BuiltinFunction][] = [
    [
      'range',
      (args) => {
        const ints = args.positional.map((v) => (v.kind === 'int' ? v.value : undefined));
        if (ints.some((v) => v === undefined) || ints.length === 0) return unknown('range() of unknown bounds');
        const [a, b, c] = ints as number[];
        const [start, stop, step] = ints.length === 1 ? [0, a!, 1] : [a!, b!, c ?? 1];
        if (step === 0) return unknown('range() step is zero');
        const count = Math.max(0, Math.ceil((stop - start) / step));
        if (count > 1_000_000) return unknown(`range() of ${count} items is too long to analyse`);
        return { kind: 'list', items: Array.from({ length: count }, (_, i) => int(start + i * step)) };
      },
    ],
    [
      'len',
      (args) => {
        const v = args.positional[0];
        if (!v) return unknown('len() without argument');
        if (isSequence(v)) return int(v.items.length);
        if (v.kind === 'str') return int(v.value.length);
        if (v.kind === 'dict') return int(v.entries.size);
        return unknown(`len() of ${v.kind}`);
      },
    ],
    [
      'int',
      (args) => {
        const v = args.positional[0];
        if (!v) return int(0);
        if (v.kind === 'int' || v.kind === 'symint') return v;
        if (v.kind === 'float') return int(Math.trunc(v.value));
        if (v.kind === 'bool') return int(v.value ? 1 : 0);
        if (v.kind === 'str' && /^\s*-?\d+\s*$/.test(v.value)) return int(Number(v.value));
        return unknown(`int() of ${v.kind}`);
      },
    ],
    [
      'float',
      (args) => {
        const v = args.positional[0];
        if (!v) return { kind: 'float', value: 0 };
        if (v.kind === 'int' || v.kind === 'float') return { kind: 'float', value: v.value };
        return unknown(`float() of ${v.kind}`);
      },
    ],
    [
      'str',
      (args) => {
        const formatted = args.positional[0] ? formatValue(args.positional[0]) : '';
        return formatted === undefined ? unknown('str() of an unknown value') : str(formatted);
      },
    ],
    [
      'bool',
      (args) => {
        const t = args.positional[0] ? truthy(args.positional[0]) : false;
        return t === undefined ? unknown('bool() of an unknown value') : { kind: 'bool', value: t };
      },
    ],
    [
      'list',
      (args) => {
        const items = args.positional[0] ? interpreter.iterate(args.positional[0]) : [];
        return items ? { kind: 'list', items } : unknown('list() of an unknown iterable');
      },
    ],
    [
      'tuple',
      (args) => {
        const items = args.positional[0] ? interpreter.iterate(args.positional[0]) : [];
        return items ? tuple(items) : unknown('tuple() of an unknown iterable');
      },
    ],
    [
      'dict',
      (args) => {
        const entries = new Map<string, { key: Value; value: Value }>();
        for (const [k, v] of args.keywords) entries.set(`s:${k}`, { key: str(k), value: v });
        return { kind: 'dict', entries };
      },
    ],
    [
      'zip',
      (args) => {
        const lists = args.positional.map((v) => interpreter.iterate(v));
        if (lists.some((l) => !l)) return unknown('zip() of an unknown iterable');
        const length = Math.min(...lists.map((l) => l!.length));
        return { kind: 'list', items: Array.from({ length }, (_, i) => tuple(lists.map((l) => l![i]!))) };
      },
    ],
    [
      'enumerate',
      (args) => {
        const items = args.positional[0] ? interpreter.iterate(args.positional[0]) : undefined;
        const start = args.positional[1]?.kind === 'int' ? args.positional[1].value : 0;
        return items
          ? { kind: 'list', items: items.map((v, i) => tuple([int(start + i), v])) }
          : unknown('enumerate() of an unknown iterable');
      },
    ],
    [
      'reversed',
      (args) => {
        const items = args.positional[0] ? interpreter.iterate(args.positional[0]) : undefined;
        return items ? { kind: 'list', items: items.reverse() } : unknown('reversed() of an unknown iterable');
      },
    ],
    ['min', (args) => reduceNumbers(numbers(args), Math.min)],
    ['max', (args) => reduceNumbers(numbers(args), Math.max)],
    [
      'sum',
      (args) => {
        const values = numbers(args);
        if (!values) return unknown('sum() of unknown values');
        const total = values.reduce((a, b) => a + b, 0);
        const items = args.positional.length === 1 ? interpreter.iterate(args.positional[0]!) : args.positional;
        return items?.every((v) => v.kind === 'int') ? int(total) : { kind: 'float', value: total };
      },
    ],
    [
      'abs',
      (args) => {
        const v = args.positional[0];
        return v?.kind === 'int' || v?.kind === 'float' ? { kind: v.kind, value: Math.abs(v.value) } : unknown('abs() of an unknown value');
      },
    ],
    [
      'round',
      (args) => {
        const v = args.positional[0];
        return v?.kind === 'int' || v?.kind === 'float' ? int(Math.round(v.value)) : unknown('round() of an unknown value');
      },
    ],
    ['print', () => none],
    ['isinstance', () => unknown('isinstance() is not analysed')],
  ];
  const known = new Map(entries.map(([name, call]) => [name, builtin(name, call)]));
  for (const name of otherBuiltinNames) {
    if (!known.has(name))
      known.set(
        name,
        builtin(name, () => unknown(`${name}() is not analysed`)),
      );
  }
  // The file is analysed as the script the user runs: `if __name__ == "__main__":` holds.
  known.set('__name__', str('__main__'));
  known.set('__file__', unknown('the path of the file when it runs is not known statically'));
  known.set('__doc__', none);
  known.set('Ellipsis', { kind: 'ellipsis' });
  known.set('NotImplemented', unknown('NotImplemented is not analysed'));
  return known;
}

/** The rest of Python's builtins: known names (never "not defined"), whose results are not analysed. */
const otherBuiltinNames = `ArithmeticError AssertionError AttributeError BaseException Exception FileNotFoundError
ImportError IndexError KeyError LookupError NameError NotImplementedError OSError RuntimeError StopIteration
TypeError UserWarning ValueError Warning ZeroDivisionError DeprecationWarning FutureWarning RuntimeWarning
PermissionError TimeoutError KeyboardInterrupt SystemExit MemoryError OverflowError RecursionError
UnicodeDecodeError UnicodeEncodeError all any ascii bin breakpoint bytearray bytes callable
chr classmethod compile complex delattr dir divmod eval exec exit filter format frozenset getattr globals hasattr
hash help hex id input isinstance issubclass iter locals map next object oct open ord pow property quit repr set
setattr slice sorted staticmethod type vars`.split(/\s+/);

function reduceNumbers(values: number[] | undefined, fn: (...v: number[]) => number): Value {
  if (!values || values.length === 0) return unknown('min()/max() of unknown values');
  const result = fn(...values);
  return Number.isInteger(result) ? int(result) : { kind: 'float', value: result };
}

// ---- NumPy, TensorFlow and Keras array constructors -------------------------

interface ArrayConstructor {
  readonly dtype: string;
  /** How the shape is given: as separate ints (`rand(1, 2)`), or one shape argument at a position/keyword. */
  readonly shape: 'varargs' | { readonly position: number; readonly keyword: string };
  readonly tensor: boolean;
}

/** Constructors of sample data whose shape is known from their arguments. */
const arrayConstructors: ReadonlyMap<string, ArrayConstructor> = new Map([
  ['np.random.rand', { dtype: 'float64', shape: 'varargs', tensor: false }],
  ['np.random.randn', { dtype: 'float64', shape: 'varargs', tensor: false }],
  ['np.random.random', { dtype: 'float64', shape: { position: 0, keyword: 'size' }, tensor: false }],
  ['np.random.random_sample', { dtype: 'float64', shape: { position: 0, keyword: 'size' }, tensor: false }],
  ['np.random.uniform', { dtype: 'float64', shape: { position: 2, keyword: 'size' }, tensor: false }],
  ['np.random.normal', { dtype: 'float64', shape: { position: 2, keyword: 'size' }, tensor: false }],
  ['np.random.randint', { dtype: 'int64', shape: { position: 2, keyword: 'size' }, tensor: false }],
  ['np.zeros', { dtype: 'float64', shape: { position: 0, keyword: 'shape' }, tensor: false }],
  ['np.ones', { dtype: 'float64', shape: { position: 0, keyword: 'shape' }, tensor: false }],
  ['np.empty', { dtype: 'float64', shape: { position: 0, keyword: 'shape' }, tensor: false }],
  ['np.full', { dtype: 'float64', shape: { position: 0, keyword: 'shape' }, tensor: false }],
  ['tf.random.normal', { dtype: 'float32', shape: { position: 0, keyword: 'shape' }, tensor: true }],
  ['tf.random.uniform', { dtype: 'float32', shape: { position: 0, keyword: 'shape' }, tensor: true }],
  ['tf.zeros', { dtype: 'float32', shape: { position: 0, keyword: 'shape' }, tensor: true }],
  ['tf.ones', { dtype: 'float32', shape: { position: 0, keyword: 'shape' }, tensor: true }],
  ['keras.random.normal', { dtype: 'float32', shape: { position: 0, keyword: 'shape' }, tensor: true }],
  ['keras.random.uniform', { dtype: 'float32', shape: { position: 0, keyword: 'shape' }, tensor: true }],
  ['keras.ops.zeros', { dtype: 'float32', shape: { position: 0, keyword: 'shape' }, tensor: true }],
  ['keras.ops.ones', { dtype: 'float32', shape: { position: 0, keyword: 'shape' }, tensor: true }],
]);

const numpyDtypes = new Set(['float16', 'float32', 'float64', 'int8', 'int16', 'int32', 'int64', 'uint8', 'bool']);

function dtypeArgument(value: Value | undefined, fallback: string): string {
  if (value?.kind === 'str') return value.value;
  if (value?.kind === 'module') {
    const name = value.path.slice(value.path.lastIndexOf('.') + 1);
    if (numpyDtypes.has(name)) return name;
  }
  return fallback;
}

/** A shape argument (`(1, 32)`, `[1, 32]`, `5`) as dims, or undefined when unknown. */
export function shapeArgument(value: Value | undefined): Dim[] | undefined {
  if (!value) return undefined;
  if (value.kind === 'int') return [value.value];
  if (!isSequence(value)) return undefined;
  const dims: Dim[] = [];
  for (const item of value.items) {
    if (item.kind === 'int') dims.push(item.value);
    else if (item.kind === 'none') dims.push(null);
    else if (item.kind === 'symint') dims.push(symbolic(item.symbol));
    else return undefined;
  }
  return dims;
}

function constructArray(path: string, spec: ArrayConstructor, args: Arguments, interpreter: Interpreter): Value {
  let shape: Shape | undefined;
  if (spec.shape === 'varargs') shape = shapeArgument(tuple(args.positional));
  else
    shape =
      shapeArgument(args.keywords.get(spec.shape.keyword) ?? args.positional[spec.shape.position]) ??
      (spec.shape.position > 0 && !args.keywords.has(spec.shape.keyword) && args.positional.length <= spec.shape.position ? [] : undefined);
  if (!shape) return unknown(`the shape given to ${path}() is not known`);
  const dtype = dtypeArgument(args.keywords.get('dtype'), spec.dtype);
  const argsJson: Record<string, string | number | null> = {};
  for (const [k, v] of args.keywords) if (v.kind === 'int' || v.kind === 'float' || v.kind === 'str') argsJson[k] = v.value;
  args.positional.forEach((v, i) => {
    if (v.kind === 'int' || v.kind === 'float') argsJson[String(i)] = v.value;
  });
  const source = { kind: 'constructor' as const, fn: path, args: argsJson };
  return spec.tensor
    ? interpreter.keras.constantTensor(shape, dtype === 'float64' ? 'float32' : dtype, source)
    : { kind: 'array', shape, dtype, source };
}

const mathFunctions: ReadonlyMap<string, (x: number) => number> = new Map([
  ['math.ceil', Math.ceil],
  ['math.floor', Math.floor],
  ['math.sqrt', Math.sqrt],
  ['math.log2', Math.log2],
  ['math.log', Math.log],
  ['math.exp', Math.exp],
]);

/** The value behind a canonical path such as `keras.layers.Conv2D` or `np.random.rand`. */
export function resolveApi(path: string, interpreter: Interpreter): Value {
  const keras = interpreter.keras;
  const name = path.slice(path.lastIndexOf('.') + 1);
  // An InputLayer makes its tensor when it is constructed, unlike every other layer class.
  if (path === 'keras.layers.InputLayer') return builtin(path, (args, site) => keras.inputLayer(args, site));
  if (path.startsWith('keras.layers.') && path.split('.').length === 3 && layerSpec(name)) {
    return { kind: 'layerClass', className: name };
  }
  const constructor = arrayConstructors.get(path);
  if (constructor) return builtin(path, (args) => constructArray(path, constructor, args, interpreter));
  const math = mathFunctions.get(path);
  if (math) {
    return builtin(path, (args) => {
      const v = args.positional[0];
      if (v?.kind !== 'int' && v?.kind !== 'float') return unknown(`${path}() of an unknown value`);
      const result = math(v.value);
      return path === 'math.ceil' || path === 'math.floor' ? int(result) : { kind: 'float', value: result };
    });
  }
  switch (path) {
    case 'keras.Model':
      return { kind: 'kerasBase', base: 'Model' };
    case 'keras.Layer':
      return { kind: 'kerasBase', base: 'Layer' };
    case 'keras.Input':
      return builtin(path, (args, site) => keras.input(args, site));
    case 'keras.Sequential':
      return builtin(path, (args, site) => keras.sequential(args, site));
    case 'keras.backend.function':
      return builtin(path, (args, site) => keras.kFunction(args, site));
    case 'argparse.ArgumentParser':
      return builtin(path, () => argumentParser());
    case 'keras.backend.clear_session':
    case 'keras.utils.clear_session':
      return builtin(path, () => keras.clearSession());
    case 'math.prod':
      return builtin(path, (args) => {
        const items = args.positional[0] ? interpreter.iterate(args.positional[0]) : undefined;
        return items?.every((v) => v.kind === 'int')
          ? int(items.reduce((a, v) => a * (v as { value: number }).value, 1))
          : unknown('math.prod() of unknown values');
      });
    case 'math.pi':
      return { kind: 'float', value: Math.PI };
    default:
      break;
  }
  const helper = functionalHelpers.get(path);
  if (helper) return builtin(path, (args, site) => keras.functionalHelper(helper, args, site));
  return { kind: 'module', path };
}

/** `keras.layers.add([a, b])` and friends: make the layer, call it on the list. */
const functionalHelpers: ReadonlyMap<string, string> = new Map(
  ['Add', 'Subtract', 'Multiply', 'Average', 'Maximum', 'Minimum', 'Concatenate', 'Dot'].map((c) => [`keras.layers.${c.toLowerCase()}`, c]),
);
