// The values of the abstract interpreter: Python data the model file computes
// with, Keras objects (layers, tensors, models) that live in the graph being
// built, and `unknown` for anything the analysis cannot know, with the reason.

import type { ArraySource, JsonValue } from '../graph/ir.js';
import type { Shape } from '../graph/shape.js';
import type { Node } from './python/parser.js';
import type { Scope } from './scope.js';
import type { ModuleContext } from './modules/module-context.js';
import type { RaisedException } from './python-exceptions.js';

export type Value =
  | { readonly kind: 'none' }
  | { readonly kind: 'bool'; readonly value: boolean }
  | { readonly kind: 'int'; readonly value: number }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'str'; readonly value: string }
  /** A data-dependent integer, e.g. `x_train.shape[1]`, named by its source text. */
  | {
      readonly kind: 'symint';
      readonly symbol: string;
      /** Where the size is read from when the code runs: an axis of a tensor (`ops.shape(x)[0]` of a None size). */
      readonly size?: { readonly tensor: number; readonly axis: number };
    }
  | { readonly kind: 'tuple'; readonly items: readonly Value[] }
  | { readonly kind: 'list'; readonly items: Value[] }
  | { readonly kind: 'dict'; readonly entries: Map<string, { key: Value; value: Value }> }
  /** A module or namespace, by canonical dotted path (`keras.layers`, `np.random`). */
  | { readonly kind: 'module'; readonly path: string }
  /** A module of the user's, read from disk: its attributes are its names. */
  | { readonly kind: 'userModule'; readonly module: ModuleContext }
  | { readonly kind: 'builtin'; readonly name: string; readonly call: BuiltinFunction; readonly self?: Value }
  | { readonly kind: 'layerClass'; readonly className: string }
  /** A Keras object known by its class and config alone (an initializer), as Keras serializes it. */
  | { readonly kind: 'kerasObject'; readonly className: string; readonly config: { readonly [key: string]: JsonValue } }
  /** A Keras base class a user class can derive from. */
  | { readonly kind: 'kerasBase'; readonly base: 'Model' | 'Layer' }
  | { readonly kind: 'layer'; readonly layer: number }
  | { readonly kind: 'tensor'; readonly tensor: number }
  | { readonly kind: 'array'; readonly shape: Shape; readonly dtype: string; readonly source: ArraySource }
  | { readonly kind: 'function'; readonly fn: PythonFunction }
  | { readonly kind: 'kfunction'; readonly inputs: readonly number[]; readonly outputs: readonly number[] }
  | { readonly kind: 'class'; readonly cls: PythonClass }
  | { readonly kind: 'object'; readonly object: PythonObject }
  | { readonly kind: 'method'; readonly self: Value; readonly fn: PythonFunction }
  | { readonly kind: 'super'; readonly self: PythonObject; readonly after: PythonClass }
  | { readonly kind: 'slice'; readonly start: Value; readonly stop: Value; readonly step: Value }
  | { readonly kind: 'ellipsis' }
  /** An instance of one of Python's builtin exception classes (`ValueError("…")`), as `raise` takes it. */
  | { readonly kind: 'exception'; readonly raised: RaisedException }
  /**
   * Not known statically; `reported` once a diagnostic has said why, so it is not said again. `tensor`: the graph's
   * tensor of unknown shape that stands for it, when it is what a layer call gave (the model around it is still listed).
   */
  | { readonly kind: 'unknown'; readonly reason: string; readonly reported?: boolean; readonly tensor?: number };

export interface Arguments {
  readonly positional: Value[];
  readonly keywords: Map<string, Value>;
  /** The argument nodes, for diagnostics on one argument. */
  readonly keywordNodes: Map<string, Node>;
  /** The node of each positional argument written out (not of those spread from `*args`). */
  readonly positionalNodes?: (Node | undefined)[];
}

export interface CallSite {
  readonly node: Node;
}

export type BuiltinFunction = (args: Arguments, site: CallSite) => Value;

export interface PythonFunction {
  readonly name: string;
  readonly node: Node;
  readonly closure: Scope;
  readonly defaults: Map<string, Value>;
  /** Set for a `lambda`: the body expression. */
  readonly lambdaBody?: Node;
  /** How a method decorated with `@property`, `@staticmethod` or `@classmethod` is bound. */
  readonly binding?: 'property' | 'staticmethod' | 'classmethod';
}

export interface PythonClass {
  readonly name: string;
  readonly bases: readonly Value[];
  readonly namespace: Map<string, Value>;
  /** The Keras base it derives from, directly or through user classes. */
  readonly keras: 'Model' | 'Layer' | undefined;
  /** For a `@dataclass`: its fields in order, which its generated `__init__` takes. */
  dataclassFields?: string[];
}

export interface PythonObject {
  readonly cls: PythonClass;
  readonly attributes: Map<string, Value>;
  /** The graph layer of a subclassed Keras layer or model. */
  layer?: number;
  /** Weights made by `self.add_weight` (subclassed layers), counted as params. */
  ownParams: number | null;
  /** Of `ownParams`, those made with `add_weight(trainable=False)`; null when not known. */
  ownNonTrainableParams: number | null;
  built: boolean;
}

export const none: Value = { kind: 'none' };

export function unknown(reason: string): Value {
  return { kind: 'unknown', reason };
}

export function int(value: number): Value {
  return { kind: 'int', value };
}

export function str(value: string): Value {
  return { kind: 'str', value };
}

export function bool(value: boolean): Value {
  return { kind: 'bool', value };
}

export function tuple(items: readonly Value[]): Value {
  return { kind: 'tuple', items };
}

export function isSequence(value: Value): value is Extract<Value, { kind: 'tuple' | 'list' }> {
  return value.kind === 'tuple' || value.kind === 'list';
}

/** Python truthiness, or undefined when it cannot be known. */
export function truthy(value: Value): boolean | undefined {
  switch (value.kind) {
    case 'none':
      return false;
    case 'bool':
      return value.value;
    case 'int':
    case 'float':
      return value.value !== 0;
    case 'str':
      return value.value.length > 0;
    case 'tuple':
    case 'list':
      return value.items.length > 0;
    case 'dict':
      return value.entries.size > 0;
    case 'unknown':
    case 'symint':
      return undefined;
    default:
      return true;
  }
}

/** A key for dict entries: equal Python values give equal keys. */
export function dictKey(value: Value): string | undefined {
  switch (value.kind) {
    case 'str':
      return `s:${value.value}`;
    case 'int':
    case 'float':
      return `n:${value.value}`;
    case 'bool':
      return `n:${value.value ? 1 : 0}`;
    case 'none':
      return 'None';
    case 'tuple': {
      const keys = value.items.map(dictKey);
      return keys.every((k) => k !== undefined) ? `t:(${keys.join(',')})` : undefined;
    }
    default:
      return undefined;
  }
}

export function typeName(value: Value): string {
  switch (value.kind) {
    case 'none':
      return 'NoneType';
    case 'symint':
      return 'int';
    case 'layerClass':
      return 'type';
    case 'tensor':
      return 'KerasTensor';
    case 'array':
      return 'ndarray';
    default:
      return value.kind;
  }
}
