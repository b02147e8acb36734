// The functions and constants of Python's standard modules that model files
// compute sizes with (`math.ceil`, `math.prod`) or read settings from (`argparse`).

import { argumentParser } from '../../argparse.js';
import { int, unknown, type Value } from '../../values.js';
import { apiFunction, type ApiFunction } from '../api-context.js';

/** One-number functions of `math`; those rounding to an integer return a Python int. */
const mathFunctions: ReadonlyArray<readonly [string, (x: number) => number, 'int' | 'float']> = [
  ['ceil', Math.ceil, 'int'],
  ['floor', Math.floor, 'int'],
  ['sqrt', Math.sqrt, 'float'],
  ['log2', Math.log2, 'float'],
  ['log', Math.log, 'float'],
  ['exp', Math.exp, 'float'],
];

const oneNumber = mathFunctions.map(([name, fn, kind]) =>
  apiFunction(`math.${name}`, (_context, args): Value => {
    const v = args.positional[0];
    if (v?.kind !== 'int' && v?.kind !== 'float') return unknown(`math.${name}() of an unknown value`);
    return kind === 'int' ? int(fn(v.value)) : { kind: 'float', value: fn(v.value) };
  }),
);

/** The two-operand functions of `operator` (`operator.add`, given to associative_scan), by the operator they apply. */
const binaryOperators: ReadonlyArray<readonly [string, string]> = [
  ['add', '+'],
  ['sub', '-'],
  ['mul', '*'],
  ['truediv', '/'],
  ['floordiv', '//'],
  ['mod', '%'],
  ['pow', '**'],
  ['matmul', '@'],
];

const operatorFunctions = binaryOperators.map(([name, operator]) =>
  apiFunction(`operator.${name}`, (context, args, site): Value => {
    const [left, right] = args.positional;
    if (args.positional.length !== 2 || args.keywords.size > 0) return unknown(`operator.${name}() takes two positional arguments`);
    return context.binary(operator, left!, right!, site.node);
  }),
);

/** `copy.deepcopy`: Python data copied all the way down; Keras objects and everything else are shared, as their copies would be unknown. */
function deepCopy(value: Value): Value {
  switch (value.kind) {
    case 'list':
      return { kind: 'list', items: value.items.map(deepCopy) };
    case 'tuple':
      return { kind: 'tuple', items: value.items.map(deepCopy) };
    case 'dict':
      return { kind: 'dict', entries: new Map([...value.entries].map(([k, e]) => [k, { key: e.key, value: deepCopy(e.value) }])) };
    default:
      return value;
  }
}

/** `copy.copy`: a new list or dict holding the same items. */
function shallowCopy(value: Value): Value {
  if (value.kind === 'list') return { kind: 'list', items: [...value.items] };
  if (value.kind === 'dict') return { kind: 'dict', entries: new Map(value.entries) };
  return value;
}

const copyable = (value: Value): boolean => !['object', 'layer', 'tensor', 'unknown'].includes(value.kind);

export const pythonModuleFunctions: readonly ApiFunction[] = [
  ...(
    [
      ['copy.deepcopy', deepCopy],
      ['copy.copy', shallowCopy],
    ] as const
  ).map(([path, copy]) =>
    apiFunction(path, (_context, args) => {
      const value = args.positional[0];
      if (!value) return unknown(`${path}() without an argument`);
      return copyable(value) ? copy(value) : unknown(`${path}() of a ${value.kind} is not analysed`);
    }),
  ),
  ...oneNumber,
  ...operatorFunctions,
  apiFunction('math.prod', (context, args) => {
    const items = args.positional[0] ? context.iterate(args.positional[0]) : undefined;
    return items?.every((v) => v.kind === 'int')
      ? int(items.reduce((a, v) => a * (v as { value: number }).value, 1))
      : unknown('math.prod() of unknown values');
  }),
  { kind: 'value', path: 'math.pi', value: { kind: 'float', value: Math.PI } },
  apiFunction('argparse.ArgumentParser', () => argumentParser()),
];
