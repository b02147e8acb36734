// What names outside the file mean: Python's builtins, and the Keras, TensorFlow
// and NumPy entry points a model file calls, looked up in the registry by canonical path.

import type { ApiContext } from './keras/api-context.js';
import { apiEntry } from './keras/registry.js';
import {
  type Arguments,
  type BuiltinFunction,
  type PythonClass,
  int,
  isSequence,
  none,
  str,
  truthy,
  tuple,
  unknown,
  type Value,
} from './values.js';
import { openFile } from './python-files.js';
import { formatValue } from './python-values.js';
import { builtinAncestry, builtinExceptionNames, exceptionMessage } from './python-exceptions.js';

const analysedRoots = new Set(['keras', 'tf', 'np', 'math', 'argparse', 'operator', 'copy']);

export function isAnalysedRoot(path: string): boolean {
  return analysedRoots.has(path.split('.')[0]!);
}

function builtin(name: string, call: BuiltinFunction): Value {
  return { kind: 'builtin', name, call };
}

/** Python's builtins that model files use; `super` is the interpreter's own. */
export function createPythonBuiltins(interpreter: Pick<ApiContext, 'iterate' | 'dataFile'>): Map<string, Value> {
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
      'slice',
      (args) => {
        const [a, b, c] = args.positional;
        if (!a || args.positional.length > 3) return unknown('slice() takes 1 to 3 arguments');
        return b === undefined
          ? { kind: 'slice', start: none, stop: a, step: none }
          : { kind: 'slice', start: a, stop: b, step: c ?? none };
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
        // The length of data (`len(class_names)`): a size known only at run time, named by its expression.
        const node = args.positionalNodes?.[0];
        if (v.kind === 'unknown' && node) return { kind: 'symint', symbol: `len(${node.text})` };
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
    ['open', (args) => openFile(args, (path) => interpreter.dataFile(path))],
    [
      'chr',
      (args) => {
        const v = args.positional[0];
        return v?.kind === 'int' && v.value >= 0 && v.value <= 0x10ffff
          ? str(String.fromCodePoint(v.value))
          : unknown('chr() of an unknown value');
      },
    ],
    ['isinstance', (args) => isInstance(args.positional[0], args.positional[1])],
  ];
  const known = new Map(entries.map(([name, call]) => [name, builtin(name, call)]));
  for (const name of builtinExceptionNames) {
    const ancestry = builtinAncestry(name);
    known.set(
      name,
      builtin(name, (args) => ({ kind: 'exception', raised: { className: name, ancestry, message: exceptionMessage(args) } })),
    );
  }
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

/** The builtin classes whose instances the analysis knows by a value's kind (bool is an int, as in Python). */
const builtinTypeKinds: Readonly<Record<string, readonly Value['kind'][]>> = {
  int: ['int', 'bool', 'symint'],
  bool: ['bool'],
  float: ['float'],
  str: ['str'],
  list: ['list'],
  tuple: ['tuple'],
  dict: ['dict'],
};

/** Classes of NumPy and Keras whose instances the analysis knows by a value's kind: arrays, and symbolic tensors. */
const apiClassKinds: Readonly<Record<string, readonly Value['kind'][]>> = {
  'np.ndarray': ['array'],
  'keras.KerasTensor': ['tensor'],
};

/** Python data kinds: a value of one of them is an instance of no other class the file may name. */
const dataKinds = new Set<Value['kind']>(['none', 'bool', 'int', 'float', 'str', 'tuple', 'list', 'dict']);

/** `isinstance(value, classes)`, where the value's kind and the classes decide it; unknown elsewhere. */
function isInstance(value: Value | undefined, classes: Value | undefined): Value {
  if (!value || !classes) return unknown('isinstance() takes two arguments');
  const alternatives = classes.kind === 'tuple' ? classes.items : [classes];
  let undecided = false;
  for (const cls of alternatives) {
    const kinds = cls.kind === 'builtin' ? builtinTypeKinds[cls.name] : undefined;
    if (kinds && value.kind !== 'unknown') {
      if (kinds.includes(value.kind)) return { kind: 'bool', value: true };
      // A symbolic size is an int; a layer's, tensor's or user object's class is not a builtin data class.
      continue;
    }
    if (cls.kind === 'class' && value.kind === 'object') {
      if (inherits(value.object.cls, cls.cls)) return { kind: 'bool', value: true };
      if (!value.object.cls.bases.every((base) => base.kind === 'class' || base.kind === 'kerasBase')) undecided = true;
      continue;
    }
    if (cls.kind === 'class' && dataKinds.has(value.kind)) continue;
    const kindsOfApiClass = cls.kind === 'module' ? apiClassKinds[cls.path] : undefined;
    if (kindsOfApiClass && value.kind !== 'unknown') {
      if (kindsOfApiClass.includes(value.kind)) return { kind: 'bool', value: true };
      if (dataKinds.has(value.kind) || value.kind === 'array' || value.kind === 'tensor') continue;
    }
    undecided = true;
  }
  return undecided ? unknown('isinstance() of a class or value that Tensor Lens does not know') : { kind: 'bool', value: false };
}

function inherits(cls: PythonClass, ancestor: PythonClass): boolean {
  return cls === ancestor || cls.bases.some((base) => base.kind === 'class' && inherits(base.cls, ancestor));
}

/**
 * The rest of Python's builtins: known names (never "not defined"), whose results are not analysed. The exception
 * classes are python-exceptions.ts's.
 */
const otherBuiltinNames = `all any ascii bin breakpoint bytearray bytes callable
classmethod compile complex delattr dir divmod eval exec exit filter format frozenset getattr globals hasattr
hash help hex id input issubclass iter locals map next object oct open ord pow property quit repr set
setattr slice sorted staticmethod type vars`.split(/\s+/);

function reduceNumbers(values: number[] | undefined, fn: (...v: number[]) => number): Value {
  if (!values || values.length === 0) return unknown('min()/max() of unknown values');
  const result = fn(...values);
  return Number.isInteger(result) ? int(result) : { kind: 'float', value: result };
}

/** The value behind a canonical path such as `keras.layers.Conv2D` or `np.random.rand`, from the registry. */
export function resolveApi(path: string, context: ApiContext): Value {
  const entry = apiEntry(path);
  if (!entry) {
    // A name of a library module that is not public (`keras.src.applications.resnet.ResNet`): the module's own.
    const dot = path.lastIndexOf('.');
    const parent = dot < 0 ? undefined : apiEntry(path.slice(0, dot));
    if (parent?.kind === 'library' && parent.name === undefined) return context.library(parent.module, path.slice(dot + 1));
    return { kind: 'module', path };
  }
  if (entry.kind === 'value') return entry.value;
  if (entry.kind === 'library') return context.library(entry.module, entry.name);
  if (entry.kind === 'function') return builtin(path, (args, site) => entry.call(context, args, site));
  const construct = entry.rule?.construct;
  if (construct) return builtin(path, (args, site) => construct(context, args, site));
  return { kind: 'layerClass', className: entry.className };
}
