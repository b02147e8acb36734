// The TensorFlow, NumPy and keras.activations spellings of keras.ops functions (`tf.math.reduce_sum`, `tf.nn.swish`,
// `np.exp`, `keras.activations.gelu`): a call becomes the keras.ops call it computes, its arguments renamed to the
// op's parameters. The table (../ops/aliases.json) is made by scripts/generate-op-aliases.py, which called both on the
// same inputs: an alias is there only where they agreed, and only for the argument dtypes (`dtypes`) and the kinds of
// the other arguments (`arguments`: `axis:int`) they agreed on; any other call is unknown, as is a call giving a
// parameter the keras op lacks. The candidates that disagreed are under `rejected`, with why: calling them is unknown with it.

import type { Node } from '../../python/parser.js';
import { isSequence, none, unknown, type Arguments, type CallSite, type Value } from '../../values.js';
import { apiFunction, type ApiContext, type ApiFunction } from '../api-context.js';
import table from '../ops/aliases.json' with { type: 'json' };
import { isOperand, OpNotKnown, type OpArgument, type OpRule } from '../ops/op-rule.js';
import { opRules } from './ops.js';
import { arrayLiteralFunctions } from './array-literals.js';

/** A Python value as the generator writes it: a float as `{float: x}`, since JSON does not tell 1.0 from 1. */
type TypedJson = null | boolean | number | string | { readonly float: number } | readonly TypedJson[];

interface AliasParameter {
  readonly name: string;
  readonly kind: 'positional-only' | 'positional' | 'keyword' | '*' | '**';
  /** The keras op's parameter it is given as. */
  readonly to?: string;
  /** A parameter that changes nothing the analysis knows (TensorFlow's `name=`). */
  readonly ignored?: boolean;
  /** The alias's default: given as this, the parameter counts as not given. */
  readonly default?: TypedJson;
  /** What the keras op is given when the call does not give it, where the keras op's default differs. */
  readonly omitted?: TypedJson;
}

interface Alias {
  readonly op: string;
  readonly parameters: readonly AliasParameter[];
  /** Keras parameters always given (`from_logits=True` for TensorFlow's `*_with_logits` losses). */
  readonly fixed?: Readonly<Record<string, TypedJson>>;
  /** The keras parameters whose argument dtypes make a call's key. */
  readonly tensors: readonly string[];
  /** Whether keys have each tensor's rank (`float32:2`) and a sequence argument its length (`repeats:seq2`): where shapes mattered. */
  readonly ranked?: boolean;
  /** The keys checked: `float32`, `int32|float` (a tensor and a Python float), `[float32]` (a list of tensors). */
  readonly dtypes: readonly string[];
  /** The non-tensor arguments checked, each by its kind: `axis:int`, `keepdims:bool`, `interpolation='nearest'`. */
  readonly arguments: readonly string[];
  readonly trials: number;
  /** The first disagreement of a key or argument left out. */
  readonly dropped?: string;
}

interface AliasTable {
  /** The names `keras.activations.get` accepts, with the path of the function it returns. */
  readonly activations: Readonly<Record<string, string>>;
  readonly aliases: Readonly<Record<string, Alias>>;
  readonly rejected: Readonly<Record<string, { readonly op: string; readonly reason: string }>>;
}

const aliasTable = table as unknown as AliasTable;

function fromTyped(value: TypedJson): Value {
  if (value === null) return none;
  if (typeof value === 'boolean') return { kind: 'bool', value };
  if (typeof value === 'number') return { kind: 'int', value };
  if (typeof value === 'string') return { kind: 'str', value };
  if (Array.isArray(value)) return { kind: 'tuple', items: (value as readonly TypedJson[]).map(fromTyped) };
  return { kind: 'float', value: (value as { float: number }).float };
}

/** Whether a given value is the default, as Python's `==` between values of the same type. */
function isDefault(value: Value, json: TypedJson): boolean {
  if (json === null) return value.kind === 'none';
  if (typeof json === 'boolean') return value.kind === 'bool' && value.value === json;
  if (typeof json === 'number') return value.kind === 'int' && value.value === json;
  if (typeof json === 'string')
    return (value.kind === 'str' && value.value === json) || (value.kind === 'module' && value.path.endsWith(`.${json}`));
  if (Array.isArray(json)) {
    const items = json as readonly TypedJson[];
    return isSequence(value) && value.items.length === items.length && value.items.every((v, i) => isDefault(v, items[i]!));
  }
  return value.kind === 'float' && value.value === (json as { float: number }).float;
}

/** How a non-tensor argument reads among `arguments`, as the generator writes it: `axis:int`, `padding='same'`, `axes:seq2`. */
function formPart(parameter: string, value: Value, ranked: boolean): string {
  switch (value.kind) {
    case 'int':
    case 'symint':
      return `${parameter}:int`;
    case 'float':
    case 'bool':
    case 'none':
      return `${parameter}:${value.kind}`;
    case 'str':
      return `${parameter}='${value.value}'`;
    case 'module': // a dtype (`tf.float32`), which Keras reads by name
      return `${parameter}='${value.path.slice(value.path.lastIndexOf('.') + 1)}'`;
    case 'tuple':
    case 'list':
      return `${parameter}:seq${ranked ? value.items.length : ''}`;
    default:
      return `${parameter}:other`;
  }
}

function holdsTensor(value: Value): boolean {
  return value.kind === 'tensor' || value.kind === 'array' || (isSequence(value) && value.items.some(holdsTensor));
}

/** A call's arguments by the alias's parameter names, or why they cannot be bound. */
function bindAlias(path: string, alias: Alias, args: Arguments): Map<string, Value> | Value {
  const positional = alias.parameters.filter((p) => p.kind === 'positional-only' || p.kind === 'positional');
  const hasKind = (kind: AliasParameter['kind']) => alias.parameters.some((p) => p.kind === kind);
  if (args.positional.length > positional.length) {
    return unknown(hasKind('*') ? `${path}() given *args is not modelled` : `${path}() takes ${positional.length} positional arguments`);
  }
  const given = new Map<string, Value>();
  args.positional.forEach((value, i) => given.set(positional[i]!.name, value));
  for (const [key, value] of args.keywords) {
    const parameter = alias.parameters.find((p) => p.name === key && (p.kind === 'positional' || p.kind === 'keyword'));
    if (!parameter) {
      return unknown(hasKind('**') ? `${path}(${key}=…) is not modelled` : `${path}() got an unexpected keyword argument '${key}'`);
    }
    if (given.has(key)) return unknown(`${path}() got multiple values for argument '${key}'`);
    given.set(key, value);
  }
  return given;
}

/** The keras op's keyword arguments for a call of the alias, with how its non-tensor ones read; or why the call is unknown. */
function kerasArguments(path: string, alias: Alias, args: Arguments): { args: Arguments; form: string[] } | Value {
  const given = bindAlias(path, alias, args);
  if (!(given instanceof Map)) return given;
  const keywords = new Map<string, Value>();
  const keywordNodes = new Map<string, Node>();
  const form: string[] = [];
  for (const parameter of alias.parameters) {
    const value = given.get(parameter.name);
    const passed = value === undefined || (parameter.default !== undefined && isDefault(value, parameter.default)) ? undefined : value;
    if (passed === undefined) {
      if (parameter.to !== undefined && parameter.omitted !== undefined) keywords.set(parameter.to, fromTyped(parameter.omitted));
      continue;
    }
    if (parameter.ignored) continue;
    if (parameter.to === undefined) return unknown(`${path}(${parameter.name}=…) is not modelled: ${alias.op} has no such parameter`);
    if (!alias.tensors.includes(parameter.to) && !holdsTensor(passed)) {
      if (passed.kind === 'unknown') return unknown(`\`${parameter.name}\` of ${path}() is not known (${passed.reason})`);
      form.push(formPart(parameter.to, passed, alias.ranked ?? false));
    }
    keywords.set(parameter.to, passed);
    const node = args.keywordNodes.get(parameter.name);
    if (node) keywordNodes.set(parameter.to, node);
  }
  for (const [name, value] of Object.entries(alias.fixed ?? {})) keywords.set(name, fromTyped(value));
  return { args: { positional: [], keywords, keywordNodes }, form };
}

/** How an argument reads in a key: its dtype (and rank), `int`/`float` for a Python number, `[float32]` for a list of tensors. */
function keyPart(argument: OpArgument | undefined, ranked: boolean): string {
  if (isOperand(argument)) return argument.weak ?? (ranked ? `${argument.dtype}:${argument.shape.length}` : argument.dtype);
  if (Array.isArray(argument) && argument.length > 0 && argument.every((a) => isOperand(a as OpArgument))) {
    const dtypes = new Set((argument as readonly OpArgument[]).map((a) => keyPart(a, ranked)));
    return `[${[...dtypes].sort().join(',')}]`;
  }
  if (argument === null || argument === undefined) return 'none';
  if (typeof argument === 'number') return Number.isInteger(argument) ? 'int' : 'float';
  return 'value';
}

/** The keras op's rule, for the argument dtypes the alias was checked on; any other is unknown. */
function checkedRule(path: string, alias: Alias, rule: OpRule): OpRule {
  const dtypes = new Set(alias.dtypes);
  return {
    compute(call) {
      const key = alias.tensors.map((name) => keyPart(call.arguments.get(name), alias.ranked ?? false)).join('|');
      if (!dtypes.has(key)) {
        throw new OpNotKnown(`${path} on ${key} was not checked against ${alias.op}: they disagree there, or it was not tried`);
      }
      return rule.compute(call);
    },
  };
}

function aliasCall(path: string, alias: Alias): ApiFunction {
  const rule = opRules[alias.op];
  const checkedArguments = new Set(alias.arguments);
  const numpy = path.startsWith('np.');
  return apiFunction(path, (context, args, site) => {
    if (!rule) return unknown(`${path} computes ${alias.op}, which Tensor Lens does not model yet`);
    // On NumPy arrays alone NumPy computes a NumPy array, by NumPy's dtype rules: only its calls on tensors are Keras's.
    if (numpy && ![...args.positional, ...args.keywords.values()].some(isTensorValue)) {
      return unknown(`${path}() on NumPy arrays and numbers is not modelled (only on tensors)`);
    }
    const mapped = kerasArguments(path, alias, args);
    if (!('form' in mapped)) return mapped;
    const unchecked = mapped.form.filter((part) => !checkedArguments.has(part));
    if (unchecked.length > 0) return unknown(`${path}() given ${unchecked.join(', ')} was not checked against ${alias.op}`);
    return context.keras.operation(alias.op, checkedRule(path, alias, rule), mapped.args, site);
  });
}

function isTensorValue(value: Value): boolean {
  return value.kind === 'tensor' || (isSequence(value) && value.items.some(isTensorValue));
}

function rejectedCall(path: string, op: string, reason: string): ApiFunction {
  return apiFunction(path, () => unknown(`\`${path}\` is not modelled: it does not compute ${op} (${reason})`));
}

/** `keras.activations.linear` returns its argument itself, computing no op (so no alias of one). */
const linear = apiFunction(
  'keras.activations.linear',
  (_context, args) => args.positional[0] ?? args.keywords.get('x') ?? unknown("linear() missing 1 required positional argument: 'x'"),
);

const aliasFunctions = new Map<string, ApiFunction>([
  ...Object.entries(aliasTable.aliases).map(([path, alias]): [string, ApiFunction] => [path, aliasCall(path, alias)]),
  [linear.path, linear],
]);

/** What `keras.activations.<name>` is: the alias's function, or the path as the registry leaves it. */
function activationValue(path: string, context: ApiContext): Value {
  const fn = aliasFunctions.get(path);
  if (fn?.kind !== 'function') return { kind: 'module', path };
  return { kind: 'builtin', name: path, call: (args: Arguments, site: CallSite) => fn.call(context, args, site) };
}

/** `keras.activations.get(identifier)`: the function of a name, `linear` for None, a callable as it is. */
const activationsGet = apiFunction('keras.activations.get', (context, args) => {
  const identifier = args.positional[0] ?? args.keywords.get('identifier');
  if (identifier === undefined) return unknown("keras.activations.get() missing 1 required positional argument: 'identifier'");
  if (identifier.kind === 'none') return activationValue('keras.activations.linear', context);
  if (identifier.kind === 'str') {
    const path = aliasTable.activations[identifier.value];
    return path ? activationValue(path, context) : unknown(`Could not interpret activation function identifier: ${identifier.value}`);
  }
  if (identifier.kind === 'unknown' || identifier.kind === 'dict')
    return unknown('the activation given to keras.activations.get() is not known');
  return identifier;
});

export const opAliasFunctions: readonly ApiFunction[] = [
  ...aliasFunctions.values(),
  // A rejected candidate that NumPy's own function is modelled for (`np.linspace` of known numbers) is that function.
  ...Object.entries(aliasTable.rejected)
    .filter(([path]) => !arrayLiteralFunctions.some((f) => f.path === path))
    .map(([path, { op, reason }]) => rejectedCall(path, op, reason)),
  activationsGet,
];

/** The alias table's entry of a path (for tests and hovers). */
export function opAlias(path: string): { readonly op: string; readonly dtypes: readonly string[] } | undefined {
  return aliasTable.aliases[path];
}
