// `argparse` as training scripts use it for hyper-parameters: the parser
// records each argument's default, and `parse_args()` gives a namespace with
// the values the script gets when it is run without arguments.

import { type Arguments, type BuiltinFunction, none, type PythonClass, type PythonObject, tuple, unknown, type Value } from './values.js';

function objectOf(name: string): PythonObject {
  const cls: PythonClass = { name, bases: [], namespace: new Map(), keras: undefined };
  return { cls, attributes: new Map(), ownParams: 0, ownNonTrainableParams: 0, built: false };
}

function method(name: string, call: BuiltinFunction): Value {
  return { kind: 'builtin', name, call };
}

/** `argparse.ArgumentParser(...)`. */
export function argumentParser(): Value {
  const parser = objectOf('ArgumentParser');
  const defaults = new Map<string, Value>();
  const self: Value = { kind: 'object', object: parser };
  const namespace = (): Value => {
    const result = objectOf('Namespace');
    for (const [dest, value] of defaults) result.attributes.set(dest, value);
    return { kind: 'object', object: result };
  };
  const add = (args: Arguments): Value => {
    const dest = destination(args);
    if (dest) defaults.set(dest, defaultOf(args, dest));
    return none;
  };
  const attributes: [string, BuiltinFunction][] = [
    ['add_argument', add],
    ['add_argument_group', () => self],
    ['add_mutually_exclusive_group', () => self],
    [
      'set_defaults',
      (args) => {
        for (const [key, value] of args.keywords) defaults.set(key, value);
        return none;
      },
    ],
    ['parse_args', () => namespace()],
    ['parse_known_args', () => tuple([namespace(), { kind: 'list', items: [] }])],
  ];
  for (const [name, call] of attributes) parser.attributes.set(name, method(`ArgumentParser.${name}`, call));
  return self;
}

/** `dest=`, else the first long option (`--learning-rate` → `learning_rate`), else the first flag or the positional name. */
function destination(args: Arguments): string | undefined {
  const dest = args.keywords.get('dest');
  if (dest?.kind === 'str') return dest.value;
  const flags = args.positional.flatMap((v) => (v.kind === 'str' ? [v.value] : []));
  const chosen = flags.find((f) => f.startsWith('--')) ?? flags[0];
  return chosen?.replace(/^-+/, '').replace(/-/g, '_');
}

function defaultOf(args: Arguments, dest: string): Value {
  const action = args.keywords.get('action');
  const given = args.keywords.get('default');
  const positional = args.positional.some((v) => v.kind === 'str' && !v.value.startsWith('-'));
  if (action?.kind === 'str' && action.value === 'store_true') return given ?? { kind: 'bool', value: false };
  if (action?.kind === 'str' && action.value === 'store_false') return given ?? { kind: 'bool', value: true };
  const required = args.keywords.get('required');
  if (!given && (positional || (required?.kind === 'bool' && required.value))) {
    return unknown(`\`${dest}\` is given on the command line`);
  }
  if (!given) return none;
  // argparse converts a string default with `type=`, as it would a command-line value.
  const type = args.keywords.get('type');
  if (given.kind === 'str' && type?.kind === 'builtin' && (type.name === 'int' || type.name === 'float')) {
    const number = Number(given.value);
    if (!Number.isFinite(number)) return unknown(`the default of \`${dest}\` is not a number`);
    return type.name === 'int' ? { kind: 'int', value: Math.trunc(number) } : { kind: 'float', value: number };
  }
  return given;
}
