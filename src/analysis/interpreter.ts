// An abstract interpreter over the Python that model files are written in. It
// never throws on user code: whatever it cannot follow becomes an `unknown`
// value carrying the reason, and the rest of the file is still analysed.

import type { BoundValue, Position, SourceRange } from '../graph/ir.js';
import { GraphBuilder } from './graph-builder.js';
import { canonicalPath } from './keras/api-paths.js';
import { KerasRuntime } from './keras-runtime.js';
import { binaryOperation, compare, unaryOperation } from './operators.js';
import { createPythonBuiltins, isAnalysedRoot, resolveApi } from './builtins.js';
import type { Node } from './python/parser.js';
import { Scope } from './scope.js';
import {
  type Arguments,
  type CallSite,
  dictKey,
  none,
  type PythonClass,
  type PythonFunction,
  type PythonObject,
  truthy,
  unknown,
  type Value,
} from './values.js';

export interface Limits {
  /** Statements and calls interpreted before the analysis gives up on a file. */
  readonly maxSteps: number;
  /** Nesting of one expression (`((((x))))`, `1 + 2 + … + n`) beyond which it is not evaluated. */
  readonly maxExpressionDepth: number;
  readonly maxCallDepth: number;
  readonly maxLoopIterations: number;
  /** Wall-clock time the interpretation may take, whatever the steps cost: the file is cut there, keeping what was found. */
  readonly maxMilliseconds: number;
  /** Longer files are analysed up to the top-level statement that starts before this many characters. */
  readonly maxSourceCharacters: number;
}

export const defaultLimits: Limits = {
  maxSteps: 2_000_000,
  maxExpressionDepth: 200,
  maxCallDepth: 64,
  maxLoopIterations: 10_000,
  maxMilliseconds: 700,
  maxSourceCharacters: 400_000,
};

type Completion =
  | { readonly type: 'normal' }
  | { readonly type: 'return'; readonly value: Value }
  | { readonly type: 'break' }
  | { readonly type: 'continue' };

const normal: Completion = { type: 'normal' };

/** Thrown through every frame when a budget is spent; the analysis keeps what it found. */
class BudgetSpent extends Error {}

function budgetSpent(after: string): BudgetSpent {
  return new BudgetSpent(
    `Analysis stopped after ${after}: the file is too large or loops too long to analyse completely. What comes before this statement is analysed; the rest is not.`,
  );
}

/** How often (in steps) the clock is read: reading it costs more than a step. */
const clockInterval = 1024;

interface Frame {
  /** Values a function may return from branches the analysis cannot decide. */
  readonly possibleReturns: Value[];
  readonly fn?: PythonFunction;
  readonly self?: Value;
}

export class Interpreter {
  readonly graph = new GraphBuilder();
  readonly keras: KerasRuntime;
  private readonly globals = new Scope(undefined);
  private readonly wildcardModules: string[] = [];
  /** Every name the file assigns somewhere, collected on the first name not found; undefined if that ran out of time. */
  private assignedAnywhere: Set<string> | null | undefined = null;
  private root: Node | undefined;
  private readonly frames: Frame[] = [{ possibleReturns: [] }];
  private readonly builtins: Map<string, Value>;
  /** The class each method was defined in, for zero-argument `super()`. */
  private readonly methodClasses = new Map<number, PythonClass>();
  private steps = 0;
  private expressionDepth = 0;
  private deadline = Infinity;
  /** The outermost statement being run, where a budget cut is reported. */
  private topStatement: Node | undefined;

  constructor(private readonly limits: Limits = defaultLimits) {
    this.keras = new KerasRuntime(this);
    this.builtins = createPythonBuiltins(this);
    this.builtins.set('super', { kind: 'builtin', name: 'super', call: (args) => this.superOf(args) });
  }

  private superOf(args: Arguments): Value {
    const [clsValue, selfValue] = args.positional;
    const frame = this.frames.at(-1)!;
    const self = selfValue ?? frame.self;
    const cls = clsValue?.kind === 'class' ? clsValue.cls : frame.fn ? this.methodClasses.get(frame.fn.node.id) : undefined;
    if (self?.kind !== 'object' || !cls) return unknown('super() outside a method');
    return { kind: 'super', self: self.object, after: cls };
  }

  /** Runs the module; `startedAt` is when the analysis began (parsing counts against the time budget too). */
  run(root: Node, startedAt = performance.now()): void {
    this.deadline = startedAt + this.limits.maxMilliseconds;
    this.root = root;
    try {
      for (const statement of root.namedChildren) {
        if (!statement) continue;
        this.topStatement = statement;
        this.execStatement(statement, this.globals);
      }
    } catch (error) {
      if (!(error instanceof BudgetSpent)) throw error;
      this.graph.report('information', rangeOf(this.topStatement ?? root), error.message, 'analysis-limit');
    }
  }

  // ---- statements ----------------------------------------------------------

  execBlock(statements: readonly (Node | null)[], scope: Scope): Completion {
    for (const statement of statements) {
      if (!statement) continue;
      const completion = this.execStatement(statement, scope);
      if (completion.type !== 'normal') return completion;
    }
    return normal;
  }

  /**
   * One statement, isolated: a bug of the analysis on it becomes a diagnostic on
   * that statement, and the statements after it are still analysed.
   */
  private execStatement(node: Node, scope: Scope): Completion {
    try {
      return this.execStatementUnguarded(node, scope);
    } catch (error) {
      if (error instanceof BudgetSpent) throw error;
      if (error instanceof RangeError && /call stack/i.test(error.message)) {
        this.graph.report(
          'information',
          rangeOf(node),
          'This statement nests code too deeply to analyse: its values are unknown.',
          'analysis-limit',
        );
        return normal;
      }
      const text = errorText(error);
      const where = error instanceof Error ? (error.stack?.split('\n')[1]?.trim() ?? '') : '';
      this.graph.report(
        'warning',
        rangeOf(node),
        `Tensor Lens internal error while analysing this statement; the rest of the file is still analysed. Please report: ${text}${where ? ` (${where})` : ''}`,
        'internal-error',
      );
      return normal;
    }
  }

  private execStatementUnguarded(node: Node, scope: Scope): Completion {
    this.step();
    switch (node.type) {
      case 'expression_statement':
        for (const child of node.namedChildren) if (child) this.evaluateStatementExpression(child, scope);
        return normal;
      case 'import_statement':
      case 'import_from_statement':
        this.execImport(node, scope);
        return normal;
      case 'function_definition':
        this.defineFunction(node, scope);
        return normal;
      case 'class_definition':
        this.defineClass(node, scope);
        return normal;
      case 'decorated_definition':
        return this.execDecorated(node, scope);
      case 'global_statement':
      case 'nonlocal_statement':
        for (const name of node.namedChildren) if (name?.type === 'identifier') this.declareOuter(name.text, node.type, scope);
        return normal;
      case 'match_statement':
        return this.execMatch(node, scope);
      case 'return_statement': {
        const expression = node.namedChildren[0];
        return { type: 'return', value: expression ? this.evaluate(expression, scope) : none };
      }
      case 'if_statement':
        return this.execIf(node, scope);
      case 'for_statement':
        return this.execFor(node, scope);
      case 'while_statement':
        return this.execWhile(node, scope);
      case 'with_statement':
        return this.execWith(node, scope);
      case 'try_statement':
        return this.execTry(node, scope);
      case 'break_statement':
        return { type: 'break' };
      case 'continue_statement':
        return { type: 'continue' };
      default:
        return normal;
    }
  }

  private evaluateStatementExpression(node: Node, scope: Scope): void {
    if (node.type === 'assignment') this.execAssignment(node, scope);
    else if (node.type === 'augmented_assignment') this.execAugmentedAssignment(node, scope);
    else this.evaluate(node, scope);
  }

  private execAssignment(node: Node, scope: Scope): Value {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    if (!left || !right) return none;
    const value = right.type === 'assignment' ? this.execAssignment(right, scope) : this.evaluate(right, scope);
    this.assign(left, value, scope);
    return value;
  }

  private execAugmentedAssignment(node: Node, scope: Scope): void {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    const operator = node.childForFieldName('operator')?.text.replace('=', '');
    if (!left || !right || !operator) return;
    const value = this.binary(operator, this.evaluate(left, scope), this.evaluate(right, scope), node);
    this.assign(left, value, scope);
  }

  assign(target: Node, value: Value, scope: Scope): void {
    switch (target.type) {
      case 'identifier':
        scope.set(target.text, value);
        this.recordBinding(target, value);
        return;
      case 'pattern_list':
      case 'tuple_pattern':
      case 'list_pattern':
      case 'tuple':
      case 'list':
      case 'expression_list': {
        const targets = target.namedChildren.filter((n): n is Node => n !== null);
        const starred = targets.findIndex((t) => t.type === 'list_splat_pattern');
        if (starred >= 0) {
          this.assignStarred(targets, starred, value, scope);
          return;
        }
        const items = this.unpack(value, targets.length);
        targets.forEach((t, i) => this.assign(t, items[i]!, scope));
        return;
      }
      case 'parenthesized_expression': {
        const inner = target.namedChildren[0];
        if (inner) this.assign(inner, value, scope);
        return;
      }
      case 'attribute': {
        const object = this.evaluate(target.childForFieldName('object')!, scope);
        const name = target.childForFieldName('attribute')!.text;
        this.setAttribute(object, name, value);
        this.recordBinding(target, value);
        return;
      }
      case 'subscript': {
        const container = this.evaluate(target.childForFieldName('value')!, scope);
        const index = this.evaluate(target.childForFieldName('subscript')!, scope);
        if (container.kind === 'dict') {
          const key = dictKey(index);
          if (key !== undefined) container.entries.set(key, { key: index, value });
        } else if (container.kind === 'list' && index.kind === 'int') {
          const i = index.value < 0 ? container.items.length + index.value : index.value;
          if (i >= 0 && i < container.items.length) container.items[i] = value;
        }
        return;
      }
      default:
        return;
    }
  }

  /** `a, *rest, b = value`: the starred name takes the middle items, as a list. */
  private assignStarred(targets: Node[], starred: number, value: Value, scope: Scope): void {
    const after = targets.length - starred - 1;
    const items = value.kind === 'tuple' || value.kind === 'list' ? value.items : undefined;
    const fits = items !== undefined && items.length >= targets.length - 1;
    const reason =
      value.kind === 'unknown'
        ? value.reason
        : `cannot unpack ${items ? `${items.length} values` : `a ${value.kind}`} into ${targets.length} names`;
    targets.forEach((t, i) => {
      const inner = t.type === 'list_splat_pattern' ? t.namedChildren[0] : t;
      if (!inner) return;
      let item: Value = unknown(reason);
      if (fits && i < starred) item = items[i]!;
      else if (fits && i > starred) item = items[items.length - (targets.length - i)]!;
      else if (fits) item = { kind: 'list', items: items.slice(starred, items.length - after) };
      this.assign(inner, item, scope);
    });
  }

  private unpack(value: Value, count: number): Value[] {
    if ((value.kind === 'tuple' || value.kind === 'list') && value.items.length === count) return [...value.items];
    const reason =
      value.kind === 'unknown'
        ? value.reason
        : value.kind === 'tuple' || value.kind === 'list'
          ? `cannot unpack ${value.items.length} values into ${count} names`
          : `cannot unpack a ${value.kind}`;
    return Array.from({ length: count }, () => unknown(reason));
  }

  private recordBinding(target: Node, value: Value): void {
    const bound = boundValue(value);
    if (bound) this.graph.bind(target.text, rangeOf(target), bound, inEffectFrom(target));
  }

  private setAttribute(object: Value, name: string, value: Value): void {
    if (object.kind === 'object') {
      object.object.attributes.set(name, value);
      this.keras.trackAttribute(object.object, value);
    }
  }

  private execIf(node: Node, scope: Scope): Completion {
    const condition = node.childForFieldName('condition');
    const consequence = node.childForFieldName('consequence');
    const alternatives = node.childrenForFieldName('alternative').filter((n): n is Node => n !== null);
    const decided = condition ? truthy(this.evaluate(condition, scope)) : undefined;
    if (decided === true) return this.execBlock(consequence?.namedChildren ?? [], scope);
    const elseBranch = (): Completion => this.execAlternatives(alternatives, scope);
    if (decided === false) return elseBranch();
    return this.exploreBoth(undecided(condition), () => this.execBlock(consequence?.namedChildren ?? [], scope), elseBranch, scope);
  }

  private execAlternatives(alternatives: Node[], scope: Scope): Completion {
    const [first, ...rest] = alternatives;
    if (!first) return normal;
    if (first.type === 'else_clause') return this.execBlock(first.childForFieldName('body')?.namedChildren ?? [], scope);
    const condition = first.childForFieldName('condition');
    const decided = condition ? truthy(this.evaluate(condition, scope)) : undefined;
    const body = (): Completion => this.execBlock(first.childForFieldName('consequence')?.namedChildren ?? [], scope);
    if (decided === true) return body();
    if (decided === false) return this.execAlternatives(rest, scope);
    return this.exploreBoth(undecided(condition), body, () => this.execAlternatives(rest, scope), scope);
  }

  /**
   * Runs both branches of a condition the analysis cannot decide, each from the
   * same state, so every line in both is analysed; names the branches bind
   * differently become unknown afterwards.
   */
  private exploreBoth(reason: string, first: () => Completion, second: () => Completion, scope: Scope): Completion {
    const before = scope.snapshot();
    const a = first();
    const afterFirst = scope.snapshot();
    scope.restore(before);
    const b = second();
    const afterSecond = scope.snapshot();
    const frame = this.frames.at(-1)!;
    if (a.type === 'return' && b.type === 'return') return { type: 'return', value: mergeValues(a.value, b.value, reason) };
    if (a.type === 'return') {
      frame.possibleReturns.push(a.value);
      scope.restore(afterSecond);
      return b;
    }
    if (b.type === 'return') {
      frame.possibleReturns.push(b.value);
      scope.restore(afterFirst);
      return a;
    }
    const merged = new Map<string, Value>();
    for (const name of new Set([...afterFirst.keys(), ...afterSecond.keys()])) {
      const x = afterFirst.get(name);
      const y = afterSecond.get(name);
      merged.set(name, x && y ? mergeValues(x, y, reason) : (x ?? y)!);
    }
    scope.restore(merged);
    return a.type === 'normal' ? b : a;
  }

  /** `with a as b, c:` — each context manager evaluated; what `__enter__` gives is not known, so `b` is unknown. */
  private execWith(node: Node, scope: Scope): Completion {
    const items = node.namedChildren.find((c) => c?.type === 'with_clause')?.namedChildren ?? [];
    for (const item of items) {
      const value = item?.childForFieldName('value');
      if (!value) continue;
      if (value.type !== 'as_pattern') {
        this.evaluate(value, scope);
        continue;
      }
      const manager = value.namedChildren[0];
      const target = value.childForFieldName('alias')?.namedChildren[0];
      if (manager) this.evaluate(manager, scope);
      if (target) this.assign(target, unknown(`the value \`with ${manager?.text ?? ''}\` gives is not known statically`), scope);
    }
    return this.execBlock(node.childForFieldName('body')?.namedChildren ?? [], scope);
  }

  /**
   * `try`: whether the body raises cannot be known, so each handler is explored
   * as an alternative to the body running through (with its `else`); names they
   * bind differently become unknown. `finally` always runs.
   */
  private execTry(node: Node, scope: Scope): Completion {
    const clauses = node.namedChildren.filter((c): c is Node => c !== null);
    const elseClause = clauses.find((c) => c.type === 'else_clause');
    const finallyClause = clauses.find((c) => c.type === 'finally_clause');
    let completion = this.execBlock(node.childForFieldName('body')?.namedChildren ?? [], scope);
    if (completion.type === 'normal' && elseClause) completion = this.execBlock(blockOf(elseClause), scope);
    for (const handler of clauses.filter((c) => c.type === 'except_clause' || c.type === 'except_group_clause')) {
      const ranThrough = completion;
      completion = this.exploreBoth(
        'depends on whether the `try` block raises, which cannot be known without running the code',
        () => ranThrough,
        () => this.execHandler(handler, scope),
        scope,
      );
    }
    if (finallyClause) {
      const after = this.execBlock(blockOf(finallyClause), scope);
      if (after.type !== 'normal') return after;
    }
    return completion;
  }

  private execHandler(handler: Node, scope: Scope): Completion {
    const caught = handler.childForFieldName('value');
    if (caught?.type === 'as_pattern') {
      const target = caught.childForFieldName('alias')?.namedChildren[0];
      if (target) this.assign(target, unknown('the exception caught is not known statically'), scope);
    }
    return this.execBlock(blockOf(handler), scope);
  }

  /**
   * A decorated `def` or `class`. `@property`, `@staticmethod`, `@classmethod` and
   * `@dataclass` change what the definition is; other decorators (`@tf.function`,
   * `@keras.saving.register_keras_serializable()`) are taken to return it unchanged.
   */
  private execDecorated(node: Node, scope: Scope): Completion {
    const definition = node.childForFieldName('definition');
    if (!definition) return normal;
    const name = definition.childForFieldName('name')?.text;
    const before = name === undefined ? undefined : scope.get(name);
    const completion = this.execStatement(definition, scope);
    const defined = name === undefined ? undefined : scope.get(name);
    if (name === undefined || !defined) return completion;
    for (const decorator of node.namedChildren.filter((c) => c?.type === 'decorator').reverse()) {
      const text = decorator!.text.replace(/^@\s*/, '').replace(/\(.*$/s, '');
      const last = text.split('.').at(-1)!;
      if (/\.(setter|deleter)$/.test(text) && before) scope.set(name, before);
      else if (defined.kind === 'function' && (last === 'property' || last === 'cached_property')) {
        scope.set(name, { kind: 'function', fn: { ...defined.fn, binding: 'property' } });
      } else if (defined.kind === 'function' && (last === 'staticmethod' || last === 'classmethod')) {
        scope.set(name, { kind: 'function', fn: { ...defined.fn, binding: last } });
      } else if (defined.kind === 'class' && last === 'dataclass') defined.cls.dataclassFields = dataclassFields(definition);
    }
    return completion;
  }

  /** `global x` / `nonlocal x`: assignments to `x` in this scope go to the module's or the enclosing function's. */
  private declareOuter(name: string, statement: string, scope: Scope): void {
    if (statement === 'global_statement') {
      scope.redirect(name, this.globals);
      return;
    }
    for (let outer = scope.parent; outer; outer = outer.parent) {
      if (!outer.isClassBody && outer.has(name)) {
        scope.redirect(name, outer);
        return;
      }
    }
  }

  /**
   * `match`: a case whose pattern is a literal, `_`, a name or `|` of those is
   * decided when the subject is known; any other case is explored as an alternative.
   */
  private execMatch(node: Node, scope: Scope): Completion {
    const subjectNode = node.childForFieldName('subject');
    const subject = subjectNode ? this.evaluate(subjectNode, scope) : unknown('match without a subject');
    const cases = (node.childForFieldName('body')?.namedChildren ?? []).filter((c): c is Node => c?.type === 'case_clause');
    const run = (index: number): Completion => {
      const clause = cases[index];
      if (!clause) return normal;
      const pattern = clause.namedChildren.find((c) => c?.type === 'case_pattern');
      const matched = pattern && !clause.childForFieldName('guard') ? this.matches(pattern, subject, scope) : undefined;
      const body = (): Completion => {
        // The names a pattern captures are bound when it matches: what they hold is known only for a plain capture.
        if (matched !== true && pattern) {
          for (const name of capturedNames(pattern)) this.assign(name, unknown(`\`${name.text}\` is captured by a case pattern`), scope);
        }
        return this.execBlock(clause.childForFieldName('consequence')?.namedChildren ?? [], scope);
      };
      if (matched === true) return body();
      if (matched === false) return run(index + 1);
      return this.exploreBoth(
        `depends on which case of \`match ${subjectNode?.text ?? ''}\` runs, which cannot be decided without running the code`,
        body,
        () => run(index + 1),
        scope,
      );
    };
    return run(0);
  }

  /** Whether a simple case pattern matches a known subject (a capture binds it); undefined when that cannot be decided. */
  private matches(pattern: Node, subject: Value, scope: Scope): boolean | undefined {
    if (pattern.text === '_') return true;
    const alternatives =
      pattern.namedChildren[0]?.type === 'union_pattern' ? pattern.namedChildren[0].namedChildren : pattern.namedChildren;
    if (alternatives.length === 1 && alternatives[0]?.type === 'dotted_name' && !alternatives[0].text.includes('.')) {
      this.assign(alternatives[0].namedChildren[0]!, subject, scope);
      return true;
    }
    let undecided = false;
    for (const alternative of alternatives) {
      if (!alternative || !['string', 'integer', 'float', 'true', 'false', 'none'].includes(alternative.type)) return undefined;
      const equal = compare('==', subject, this.evaluate(alternative, scope));
      if (equal === true) return true;
      if (equal === undefined) undecided = true;
    }
    return undecided ? undefined : false;
  }

  private execFor(node: Node, scope: Scope): Completion {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    const body = node.childForFieldName('body')?.namedChildren ?? [];
    if (!left || !right) return normal;
    const iterable = this.evaluate(right, scope);
    const items = this.iterate(iterable);
    if (!items) {
      // Still analyse the body once, so the lines inside it have hovers.
      this.assign(left, unknown(iterable.kind === 'unknown' ? iterable.reason : `cannot iterate over ${iterable.kind}`), scope);
      const completion = this.execBlock(body, scope);
      return completion.type === 'return' ? completion : normal;
    }
    let count = 0;
    for (const item of items) {
      this.step();
      if (++count > this.limits.maxLoopIterations) {
        this.graph.report(
          'information',
          rangeOf(node),
          `Loop analysed for its first ${this.limits.maxLoopIterations} iterations only.`,
          'loop-limit',
        );
        break;
      }
      this.assign(left, item, scope);
      const completion = this.execBlock(body, scope);
      if (completion.type === 'break') return normal;
      if (completion.type === 'return') return completion;
    }
    const elseClause = node.childForFieldName('alternative');
    return elseClause ? this.execBlock(elseClause.childForFieldName('body')?.namedChildren ?? [], scope) : normal;
  }

  private execWhile(node: Node, scope: Scope): Completion {
    const condition = node.childForFieldName('condition');
    const body = node.childForFieldName('body')?.namedChildren ?? [];
    for (let count = 0; condition; count++) {
      this.step();
      const decided = truthy(this.evaluate(condition, scope));
      if (decided !== true) return normal;
      if (count >= this.limits.maxLoopIterations) {
        this.graph.report(
          'information',
          rangeOf(node),
          `Loop analysed for its first ${this.limits.maxLoopIterations} iterations only.`,
          'loop-limit',
        );
        return normal;
      }
      const completion = this.execBlock(body, scope);
      if (completion.type === 'break') return normal;
      if (completion.type === 'return') return completion;
    }
    return normal;
  }

  /** The items of an iterable, or undefined when they cannot be known. */
  iterate(value: Value): Value[] | undefined {
    switch (value.kind) {
      case 'list':
      case 'tuple':
        return [...value.items];
      case 'str':
        return [...value.value].map((c) => ({ kind: 'str', value: c }));
      case 'dict':
        return [...value.entries.values()].map((e) => e.key);
      default:
        return undefined;
    }
  }

  private execImport(node: Node, scope: Scope): void {
    if (node.type === 'import_statement') {
      for (const child of node.namedChildren) {
        if (!child) continue;
        if (child.type === 'aliased_import') {
          const path = child.childForFieldName('name')!.text;
          scope.set(child.childForFieldName('alias')!.text, this.importedModule(path));
        } else if (child.type === 'dotted_name') {
          const root = child.text.split('.')[0]!;
          scope.set(root, this.importedModule(root));
        }
      }
      return;
    }
    const moduleNode = node.childForFieldName('module_name');
    if (!moduleNode) return;
    const module = moduleNode.text;
    const relative = moduleNode.type === 'relative_import';
    if (node.namedChildren.some((c) => c?.type === 'wildcard_import')) {
      if (!relative) this.wildcardModules.push(module);
      return;
    }
    for (const child of node.childrenForFieldName('name')) {
      if (!child) continue;
      const aliased = child.type === 'aliased_import';
      const name = aliased ? child.childForFieldName('name')!.text : child.text;
      const local = aliased ? child.childForFieldName('alias')!.text : name;
      scope.set(
        local,
        relative ? unknown(`imported from ${module}, which Tensor Lens does not read`) : this.importedModule(`${module}.${name}`),
      );
    }
  }

  private importedModule(path: string): Value {
    const canonical = canonicalPath(path);
    if (isAnalysedRoot(canonical)) return resolveApi(canonical, this);
    return unknown(`\`${path}\` is imported from a module Tensor Lens does not read`);
  }

  private defineFunction(node: Node, scope: Scope): void {
    const name = node.childForFieldName('name')!.text;
    scope.set(name, { kind: 'function', fn: this.makeFunction(name, node, scope) });
  }

  private makeFunction(name: string, node: Node, scope: Scope, lambdaBody?: Node): PythonFunction {
    const defaults = new Map<string, Value>();
    for (const parameter of node.childForFieldName('parameters')?.namedChildren ?? []) {
      if (parameter && (parameter.type === 'default_parameter' || parameter.type === 'typed_default_parameter')) {
        defaults.set(parameter.childForFieldName('name')!.text, this.evaluate(parameter.childForFieldName('value')!, scope));
      }
    }
    return lambdaBody ? { name, node, closure: scope, defaults, lambdaBody } : { name, node, closure: scope, defaults };
  }

  private defineClass(node: Node, scope: Scope): void {
    const name = node.childForFieldName('name')!.text;
    const bases = (node.childForFieldName('superclasses')?.namedChildren ?? [])
      .filter((n): n is Node => n !== null && n.type !== 'keyword_argument')
      .map((n) => this.evaluate(n, scope));
    const keras = bases.reduce<'Model' | 'Layer' | undefined>((found, base) => {
      if (found === 'Model') return found;
      if (base.kind === 'kerasBase') return base.base === 'Model' || found === undefined ? base.base : found;
      if (base.kind === 'class' && base.cls.keras) return base.cls.keras === 'Model' || found === undefined ? base.cls.keras : found;
      return found;
    }, undefined);
    const body = new Scope(scope, true);
    const cls: PythonClass = { name, bases, namespace: new Map(), keras };
    scope.set(name, { kind: 'class', cls });
    this.execBlock(node.childForFieldName('body')?.namedChildren ?? [], body);
    for (const [key, value] of body.entries()) {
      cls.namespace.set(key, value);
      if (value.kind === 'function') this.methodClasses.set(value.fn.node.id, cls);
    }
  }

  // ---- expressions ---------------------------------------------------------

  evaluate(node: Node, scope: Scope): Value {
    if (this.expressionDepth >= this.limits.maxExpressionDepth) return unknown('the expression is nested too deeply to analyse');
    this.expressionDepth++;
    try {
      return this.evaluateNode(node, scope);
    } finally {
      this.expressionDepth--;
    }
  }

  private evaluateNode(node: Node, scope: Scope): Value {
    switch (node.type) {
      case 'identifier':
        return this.lookupName(node, scope);
      case 'integer':
        return parseInteger(node.text);
      case 'float':
        return { kind: 'float', value: Number(node.text.replace(/_/g, '').replace(/[jJ]$/, '')) };
      case 'true':
        return { kind: 'bool', value: true };
      case 'false':
        return { kind: 'bool', value: false };
      case 'none':
        return none;
      case 'string':
        return this.evaluateString(node, scope);
      case 'concatenated_string': {
        const parts = node.namedChildren.map((n) => (n ? this.evaluateString(n, scope) : none));
        return parts.every((p) => p.kind === 'str')
          ? { kind: 'str', value: parts.map((p) => (p as { value: string }).value).join('') }
          : unknown('string with unknown parts');
      }
      case 'parenthesized_expression':
        return node.namedChildren[0] ? this.evaluate(node.namedChildren[0], scope) : none;
      case 'tuple':
      case 'expression_list':
        return { kind: 'tuple', items: this.evaluateItems(node, scope) };
      case 'list':
      case 'set':
        return { kind: 'list', items: this.evaluateItems(node, scope) };
      case 'dictionary':
        return this.evaluateDictionary(node, scope);
      case 'attribute':
        return this.getAttribute(this.evaluate(node.childForFieldName('object')!, scope), node.childForFieldName('attribute')!.text, node);
      case 'subscript':
        return this.evaluateSubscript(node, scope);
      case 'call':
        return this.evaluateCall(node, scope);
      case 'binary_operator':
        return this.binary(
          node.childForFieldName('operator')!.text,
          this.evaluate(node.childForFieldName('left')!, scope),
          this.evaluate(node.childForFieldName('right')!, scope),
          node,
        );
      case 'unary_operator':
        return unaryOperation(node.childForFieldName('operator')!.text, this.evaluate(node.childForFieldName('argument')!, scope));
      case 'not_operator':
        return unaryOperation('not', this.evaluate(node.childForFieldName('argument')!, scope));
      case 'boolean_operator':
        return this.evaluateBoolean(node, scope);
      case 'comparison_operator':
        return this.evaluateComparison(node, scope);
      case 'conditional_expression': {
        const [whenTrue, condition, whenFalse] = node.namedChildren;
        const decided = condition ? truthy(this.evaluate(condition, scope)) : undefined;
        if (decided === true && whenTrue) return this.evaluate(whenTrue, scope);
        if (decided === false && whenFalse) return this.evaluate(whenFalse, scope);
        return unknown(`depends on \`${condition?.text ?? '?'}\``);
      }
      case 'ellipsis':
        return { kind: 'ellipsis' };
      case 'lambda':
        return { kind: 'function', fn: this.makeFunction('<lambda>', node, scope, node.childForFieldName('body') ?? undefined) };
      case 'list_comprehension':
      case 'generator_expression':
      case 'set_comprehension':
        return this.evaluateComprehension(node, scope);
      case 'named_expression': {
        const value = this.evaluate(node.childForFieldName('value')!, scope);
        this.assign(node.childForFieldName('name')!, value, scope);
        return value;
      }
      default:
        return unknown(`\`${node.text.slice(0, 40)}\` (${node.type.replace(/_/g, ' ')}) is not analysed`);
    }
  }

  private lookupName(node: Node, scope: Scope): Value {
    const name = node.text;
    const value = scope.lookup(name) ?? this.globals.get(name) ?? this.builtins.get(name) ?? this.fromWildcard(name);
    if (value) return value;
    if (this.assignedAnywhere === null) this.assignedAnywhere = collectAssignedNames(this.root!, this.deadline);
    // Without the file's names in time, which of Python's two errors this is cannot be said: no diagnostic.
    if (this.assignedAnywhere === undefined) return unknown(`"${name}" is not defined before this line`);
    if (this.assignedAnywhere.has(name)) {
      this.graph.report('error', rangeOf(node), `"${name}" is used before assignment`, 'used-before-assignment');
      return { kind: 'unknown', reason: `"${name}" is used before assignment`, reported: true };
    }
    this.graph.report('warning', rangeOf(node), `"${name}" is not defined`, 'undefined-name');
    return { kind: 'unknown', reason: `"${name}" is not defined`, reported: true };
  }

  private fromWildcard(name: string): Value | undefined {
    for (const module of this.wildcardModules) {
      const value = this.importedModule(`${module}.${name}`);
      if (value.kind !== 'module' && value.kind !== 'unknown') return value;
    }
    return undefined;
  }

  private evaluateString(node: Node, scope: Scope): Value {
    if (node.type !== 'string') return this.evaluate(node, scope);
    let text = '';
    for (const part of node.namedChildren) {
      if (!part) continue;
      if (part.type === 'string_content') text += unescape(part.text);
      else if (part.type === 'escape_sequence') text += unescape(part.text);
      else if (part.type === 'interpolation') {
        const expression = part.childForFieldName('expression');
        const value = expression ? this.evaluate(expression, scope) : none;
        const formatted = formatValue(value);
        if (formatted === undefined) return unknown(`f-string with unknown part \`${expression?.text ?? ''}\``);
        text += formatted;
      }
    }
    return { kind: 'str', value: text };
  }

  private evaluateItems(node: Node, scope: Scope): Value[] {
    const items: Value[] = [];
    for (const child of node.namedChildren) {
      if (!child || child.type === 'comment') continue;
      if (child.type === 'list_splat') {
        const spread = this.iterate(this.evaluate(child.namedChildren[0]!, scope));
        if (spread) items.push(...spread);
        else items.push(unknown(`\`${child.text}\` has unknown length`));
      } else items.push(this.evaluate(child, scope));
    }
    return items;
  }

  private evaluateDictionary(node: Node, scope: Scope): Value {
    const entries = new Map<string, { key: Value; value: Value }>();
    for (const child of node.namedChildren) {
      if (child?.type === 'pair') {
        const key = this.evaluate(child.childForFieldName('key')!, scope);
        const value = this.evaluate(child.childForFieldName('value')!, scope);
        const k = dictKey(key);
        if (k !== undefined) entries.set(k, { key, value });
      } else if (child?.type === 'dictionary_splat') {
        const spread = this.evaluate(child.namedChildren[0]!, scope);
        if (spread.kind === 'dict') for (const [k, v] of spread.entries) entries.set(k, v);
      }
    }
    return { kind: 'dict', entries };
  }

  private evaluateSubscript(node: Node, scope: Scope): Value {
    const valueNode = node.childForFieldName('value')!;
    const container = this.evaluate(valueNode, scope);
    const indexNodes = node.childrenForFieldName('subscript').filter((n): n is Node => n !== null);
    if (
      container.kind === 'unknown' &&
      valueNode.type === 'attribute' &&
      valueNode.childForFieldName('attribute')?.text === 'shape' &&
      indexNodes.length === 1
    ) {
      // A data-dependent size such as `x_train.shape[1]`: fixed at run time, named here.
      return { kind: 'symint', symbol: node.text };
    }
    const indices = indexNodes.map((n) => (n.type === 'slice' ? this.evaluateSlice(n, scope) : this.evaluate(n, scope)));
    if (indices.length !== 1) return this.keras.subscript(container, indices, node);
    return subscriptValue(container, indices[0]!) ?? this.keras.subscript(container, indices, node);
  }

  private evaluateSlice(node: Node, scope: Scope): Value {
    const parts: Value[] = [];
    let current: Value = none;
    for (const child of node.children) {
      if (!child) continue;
      if (child.type === ':') {
        parts.push(current);
        current = none;
      } else current = this.evaluate(child, scope);
    }
    parts.push(current);
    return { kind: 'slice', start: parts[0] ?? none, stop: parts[1] ?? none, step: parts[2] ?? none };
  }

  private evaluateBoolean(node: Node, scope: Scope): Value {
    const operator = node.childForFieldName('operator')!.text;
    const left = this.evaluate(node.childForFieldName('left')!, scope);
    const t = truthy(left);
    if (t === undefined) return unknown(`depends on \`${node.text}\``);
    if (operator === 'and' ? !t : t) return left;
    return this.evaluate(node.childForFieldName('right')!, scope);
  }

  private evaluateComparison(node: Node, scope: Scope): Value {
    const operands = node.namedChildren.filter((n): n is Node => n !== null).map((n) => this.evaluate(n, scope));
    const operators = node.childrenForFieldName('operators').map((n) => n?.text ?? '');
    const ops: string[] = [];
    for (let i = 0; i < operators.length; i++) {
      const op = operators[i]!;
      if ((op === 'not' && operators[i + 1] === 'in') || (op === 'is' && operators[i + 1] === 'not')) {
        ops.push(op === 'not' ? 'not in' : 'is not');
        i++;
      } else ops.push(op);
    }
    for (let i = 0; i < ops.length; i++) {
      const result = compare(ops[i]!, operands[i]!, operands[i + 1] ?? none);
      if (result === undefined) return unknown(`depends on \`${node.text}\``);
      if (!result) return { kind: 'bool', value: false };
    }
    return { kind: 'bool', value: true };
  }

  /** The list a comprehension makes, or unknown when its length cannot be known (an unknown iterable or condition). */
  private evaluateComprehension(node: Node, scope: Scope): Value {
    const body = node.childForFieldName('body');
    const clauses = node.namedChildren.filter((n): n is Node => n !== null && (n.type === 'for_in_clause' || n.type === 'if_clause'));
    const inner = new Scope(scope);
    const results: Value[] = [];
    let lengthUnknown: string | undefined;
    const run = (index: number): void => {
      this.step();
      const clause = clauses[index];
      if (lengthUnknown) return;
      if (!clause) {
        if (body) results.push(this.evaluate(body, inner));
        return;
      }
      if (clause.type === 'if_clause') {
        const condition = clause.namedChildren[0]!;
        const decided = truthy(this.evaluate(condition, inner));
        if (decided === undefined) lengthUnknown = `depends on \`${condition.text}\`, which cannot be decided without running the code`;
        else if (decided) run(index + 1);
        return;
      }
      const right = clause.childForFieldName('right')!;
      // As in Python, the first iterable is evaluated where the comprehension stands (a class body's names are seen there).
      const iterable = this.evaluate(right, index === 0 ? scope : inner);
      const items = this.iterate(iterable);
      if (!items) {
        lengthUnknown = iterable.kind === 'unknown' ? iterable.reason : `\`${right.text}\` cannot be iterated statically`;
        // Still analyse the body once, so the names inside it have hovers.
        this.assign(clause.childForFieldName('left')!, unknown(lengthUnknown), inner);
        if (body && index === clauses.length - 1) this.evaluate(body, inner);
        return;
      }
      if (items.length > this.limits.maxLoopIterations) {
        lengthUnknown = `a comprehension over more than ${this.limits.maxLoopIterations.toLocaleString('en-US')} items is not analysed`;
        return;
      }
      for (const item of items) {
        this.assign(clause.childForFieldName('left')!, item, inner);
        run(index + 1);
      }
    };
    run(0);
    return lengthUnknown ? unknown(lengthUnknown) : { kind: 'list', items: results };
  }

  binary(operator: string, left: Value, right: Value, node: Node): Value {
    if (left.kind === 'tensor' || right.kind === 'tensor') return this.keras.tensorOperator(operator, left, right, node);
    return binaryOperation(operator, left, right);
  }

  // ---- calls ---------------------------------------------------------------

  private evaluateCall(node: Node, scope: Scope): Value {
    const callee = this.evaluate(node.childForFieldName('function')!, scope);
    const argumentNode = node.childForFieldName('arguments');
    const args: Arguments = { positional: [], keywords: new Map(), keywordNodes: new Map() };
    // `f(x for x in xs)`: the generator is the whole argument list, not a list of arguments.
    const argumentList = argumentNode?.type === 'argument_list' ? argumentNode.namedChildren : [];
    for (const child of argumentList) {
      if (!child || child.type === 'comment') continue;
      if (child.type === 'keyword_argument') {
        const name = child.childForFieldName('name')!.text;
        args.keywords.set(name, this.evaluate(child.childForFieldName('value')!, scope));
        args.keywordNodes.set(name, child);
      } else if (child.type === 'list_splat') {
        const spread = this.iterate(this.evaluate(child.namedChildren[0]!, scope));
        if (spread) args.positional.push(...spread);
        else return unknown(`\`${child.text}\` has unknown length`);
      } else if (child.type === 'dictionary_splat') {
        const spread = this.evaluate(child.namedChildren[0]!, scope);
        if (spread.kind === 'dict') {
          for (const { key, value } of spread.entries.values()) if (key.kind === 'str') args.keywords.set(key.value, value);
        } else return unknown(`\`${child.text}\` has unknown keys`);
      } else if (child.type === 'generator_expression') {
        args.positional.push(this.evaluate(child, scope));
      } else args.positional.push(this.evaluate(child, scope));
    }
    if (argumentNode?.type === 'generator_expression') args.positional.push(this.evaluate(argumentNode, scope));
    return this.call(callee, args, { node });
  }

  call(callee: Value, args: Arguments, site: CallSite): Value {
    this.step();
    switch (callee.kind) {
      case 'builtin':
        return callee.call(args, site);
      case 'function':
        return this.invoke(callee.fn, args, undefined);
      case 'method':
        return this.invoke(callee.fn, args, callee.self);
      case 'class':
        return this.instantiate(callee.cls, args, site);
      case 'layerClass':
        return this.keras.createLayer(callee.className, args, site);
      case 'layer':
        return this.keras.callLayer(callee.layer, args, site);
      case 'object': {
        if (callee.object.cls.keras) return this.keras.callSubclassed(callee.object, args, site);
        const dunder = this.classAttribute(callee.object.cls, '__call__');
        return dunder?.kind === 'function' ? this.invoke(dunder.fn, args, callee) : unknown(`${callee.object.cls.name} is not callable`);
      }
      case 'kfunction':
        return this.keras.callKFunction(callee, args, site);
      case 'kerasBase':
        return callee.base === 'Model' ? this.keras.functionalModel(args, site) : unknown('keras.Layer() on its own does nothing');
      case 'module':
        return this.keras.unmodelledCall(callee.path, site);
      case 'unknown':
        return { kind: 'unknown', reason: callee.reason, ...(callee.reported ? { reported: true } : {}) };
      default:
        return unknown(`a ${callee.kind} is not callable`);
    }
  }

  invoke(fn: PythonFunction, args: Arguments, self: Value | undefined): Value {
    if (this.frames.length > this.limits.maxCallDepth) return unknown(`calls nested deeper than ${this.limits.maxCallDepth} levels`);
    const scope = new Scope(fn.closure);
    this.bindParameters(fn, self ? { ...args, positional: [self, ...args.positional] } : args, scope);
    if (fn.lambdaBody) return this.evaluate(fn.lambdaBody, scope);
    const frame: Frame = self ? { possibleReturns: [], fn, self } : { possibleReturns: [], fn };
    this.frames.push(frame);
    try {
      const completion = this.execBlock(fn.node.childForFieldName('body')?.namedChildren ?? [], scope);
      const result = completion.type === 'return' ? completion.value : none;
      return frame.possibleReturns.reduce(
        (merged, other) => mergeValues(merged, other, `the value ${fn.name}() returns depends on a condition that cannot be decided`),
        result,
      );
    } finally {
      this.frames.pop();
    }
  }

  private bindParameters(fn: PythonFunction, args: Arguments, scope: Scope): void {
    const positional = [...args.positional];
    const keywords = new Map(args.keywords);
    let keywordOnly = false;
    for (const parameter of fn.node.childForFieldName('parameters')?.namedChildren ?? []) {
      if (!parameter) continue;
      switch (parameter.type) {
        case 'identifier':
        case 'typed_parameter':
        case 'default_parameter':
        case 'typed_default_parameter': {
          const nameNode =
            parameter.type === 'identifier'
              ? parameter
              : parameter.type === 'typed_parameter'
                ? parameter.namedChildren.find((n) => n?.type === 'identifier')
                : parameter.childForFieldName('name');
          if (!nameNode) break;
          if (nameNode.type === 'list_splat_pattern' || nameNode.type === 'dictionary_splat_pattern') break;
          const name = nameNode.text;
          let value: Value | undefined;
          if (!keywordOnly && positional.length > 0) value = positional.shift();
          else if (keywords.has(name)) {
            value = keywords.get(name);
            keywords.delete(name);
          } else value = fn.defaults.get(name);
          scope.set(name, value ?? unknown(`argument \`${name}\` of ${fn.name}() was not given`));
          break;
        }
        case 'list_splat_pattern':
          scope.set(parameter.namedChildren[0]?.text ?? 'args', { kind: 'tuple', items: positional.splice(0) });
          keywordOnly = true;
          break;
        case 'keyword_separator':
          keywordOnly = true;
          break;
        case 'dictionary_splat_pattern': {
          const entries = new Map<string, { key: Value; value: Value }>();
          for (const [k, v] of keywords) entries.set(`s:${k}`, { key: { kind: 'str', value: k }, value: v });
          scope.set(parameter.namedChildren[0]?.text ?? 'kwargs', { kind: 'dict', entries });
          break;
        }
        default:
          break;
      }
    }
  }

  private instantiate(cls: PythonClass, args: Arguments, site: CallSite): Value {
    const object: PythonObject = { cls, attributes: new Map(), ownParams: 0, built: false };
    const self: Value = { kind: 'object', object };
    if (cls.keras) this.keras.registerSubclassed(object, site);
    const init = this.classAttribute(cls, '__init__');
    if (init?.kind === 'function') this.invoke(init.fn, args, self);
    else if (cls.dataclassFields) this.initDataclass(object, cls.dataclassFields, args);
    else if (cls.keras) this.keras.applyBaseInit(object, args);
    else if ((args.positional.length > 0 || args.keywords.size > 0) && definesEveryBase(cls)) {
      // Python would raise: a value made from the arguments would be a guess.
      return unknown(`${cls.name}() takes no arguments`);
    }
    return self;
  }

  /** The `__init__` that `@dataclass` writes: each field from the arguments, else its default. */
  private initDataclass(object: PythonObject, fields: readonly string[], args: Arguments): void {
    fields.forEach((field, i) => {
      const given = i < args.positional.length ? args.positional[i] : args.keywords.get(field);
      const value =
        given ?? this.classAttribute(object.cls, field) ?? unknown(`argument \`${field}\` of ${object.cls.name}() was not given`);
      object.attributes.set(field, value);
    });
  }

  /** Looks an attribute up through a class and its bases (depth-first, like Python's MRO for simple trees). */
  classAttribute(cls: PythonClass, name: string): Value | undefined {
    const own = cls.namespace.get(name);
    if (own) return own;
    for (const base of cls.bases) {
      if (base.kind === 'class') {
        const found = this.classAttribute(base.cls, name);
        if (found) return found;
      }
    }
    return undefined;
  }

  getAttribute(object: Value, name: string, node: Node): Value {
    switch (object.kind) {
      case 'module':
        return resolveApi(canonicalPath(`${object.path}.${name}`), this);
      case 'object': {
        const own = object.object.attributes.get(name);
        if (own) return own;
        const fromClass = this.classAttribute(object.object.cls, name);
        if (fromClass?.kind === 'function') return this.bindMethod(fromClass.fn, object, { kind: 'class', cls: object.object.cls });
        if (fromClass) return fromClass;
        return object.object.cls.keras
          ? this.keras.subclassedAttribute(object.object, name, node)
          : unknown(`${object.object.cls.name} has no attribute \`${name}\``);
      }
      case 'class': {
        const found = this.classAttribute(object.cls, name);
        if (found?.kind === 'function' && found.fn.binding === 'classmethod') return { kind: 'method', self: object, fn: found.fn };
        return found ?? unknown(`${object.cls.name} has no attribute \`${name}\``);
      }
      case 'super': {
        const found = this.classAttributeAfter(object.self.cls, object.after, name);
        if (found?.kind === 'function') return { kind: 'method', self: { kind: 'object', object: object.self }, fn: found.fn };
        return this.keras.superAttribute(object.self, name);
      }
      case 'unknown':
        return { kind: 'unknown', reason: object.reason, ...(object.reported ? { reported: true } : {}) };
      default:
        return this.keras.attribute(object, name, node) ?? pythonMethod(object, name, this);
    }
  }

  /** A function found on an instance's class, bound as its decorator says: a property is read at once. */
  private bindMethod(fn: PythonFunction, self: Value, cls: Value): Value {
    switch (fn.binding) {
      case 'property':
        return this.invoke(fn, { positional: [], keywords: new Map(), keywordNodes: new Map() }, self);
      case 'staticmethod':
        return { kind: 'function', fn };
      case 'classmethod':
        return { kind: 'method', self: cls, fn };
      default:
        return { kind: 'method', self, fn };
    }
  }

  private classAttributeAfter(cls: PythonClass, after: PythonClass, name: string): Value | undefined {
    const order: PythonClass[] = [];
    const visit = (c: PythonClass): void => {
      order.push(c);
      for (const base of c.bases) if (base.kind === 'class') visit(base.cls);
    };
    visit(cls);
    const start = order.indexOf(after);
    for (const c of order.slice(start + 1)) {
      const found = c.namespace.get(name);
      if (found) return found;
    }
    return undefined;
  }

  /** One unit of work: a statement, a call, a loop iteration. Throws when a budget is spent. */
  step(): void {
    if (++this.steps > this.limits.maxSteps) throw budgetSpent(`${this.limits.maxSteps.toLocaleString('en-US')} steps`);
    if (this.steps % clockInterval === 0 && performance.now() > this.deadline) {
      throw budgetSpent(`${this.limits.maxMilliseconds.toLocaleString('en-US')} ms`);
    }
  }

  range(node: Node): SourceRange {
    return rangeOf(node);
  }
}

// ---- helpers ---------------------------------------------------------------

/** Where a name assigned at `target` starts to stand for its new value: after the whole assignment (`x = f(x)` reads the old x). */
function inEffectFrom(target: Node): Position {
  let node: Node | null = target;
  while (node && node.type !== 'assignment' && node.type !== 'augmented_assignment') node = node.parent;
  // A chained `a = b = f(x)` is nested assignments: the outermost one ends last.
  while (node?.parent?.type === 'assignment') node = node.parent;
  const end = (node ?? target).endPosition;
  return { line: end.row, character: end.column };
}

export function rangeOf(node: Node): SourceRange {
  return {
    start: { line: node.startPosition.row, character: node.startPosition.column },
    end: { line: node.endPosition.row, character: node.endPosition.column },
  };
}

/** The names a case pattern binds: captures (`case [a, *rest]`, `case Point(y=yy)`, `case str() as s`), not class names. */
function capturedNames(pattern: Node): Node[] {
  const names: Node[] = [];
  const visit = (node: Node): void => {
    if (node.type === 'dotted_name') {
      if (node.namedChildCount === 1 && node.parent?.type !== 'class_pattern') names.push(node.namedChildren[0]!);
      return;
    }
    for (const child of node.namedChildren) {
      if (!child) continue;
      const binds =
        child.type === 'identifier' && (node.type === 'as_pattern' || node.type === 'splat_pattern' || node.type === 'double_star_pattern');
      if (binds) names.push(child);
      else visit(child);
    }
  };
  visit(pattern);
  return names.filter((n) => n.text !== '_');
}

/** An error of Tensor Lens in the words a user can report: its name and message. */
export function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Whether every base of the class is a class of the file (so a missing `__init__` really is missing). */
function definesEveryBase(cls: PythonClass): boolean {
  return cls.bases.every((base) => base.kind === 'class' && definesEveryBase(base.cls));
}

/** The fields of a `@dataclass`: its annotated class attributes, in order. */
function dataclassFields(definition: Node): string[] {
  const fields: string[] = [];
  for (const statement of definition.childForFieldName('body')?.namedChildren ?? []) {
    const assignment = statement?.type === 'expression_statement' ? statement.namedChildren[0] : undefined;
    const left = assignment?.type === 'assignment' ? assignment.childForFieldName('left') : undefined;
    if (left?.type === 'identifier' && assignment!.childForFieldName('type')) fields.push(left.text);
  }
  return fields;
}

function undecided(condition: Node | null): string {
  return `depends on \`${condition?.text ?? '?'}\`, which cannot be decided without running the code`;
}

function blockOf(node: Node): (Node | null)[] {
  return node.childForFieldName('body')?.namedChildren ?? node.namedChildren.find((n) => n?.type === 'block')?.namedChildren ?? [];
}

/** Every name the file assigns somewhere, to tell "used before assignment" from "not defined"; undefined past the deadline. */
function collectAssignedNames(root: Node, deadline: number): Set<string> | undefined {
  const names = new Set<string>();
  const cursor = root.walk();
  let descending = true;
  for (let visited = 0; ; visited++) {
    if (visited % clockInterval === 0 && performance.now() > deadline) {
      cursor.delete();
      return undefined;
    }
    if (descending) {
      const current = cursor.currentNode;
      if (current.type === 'assignment' || current.type === 'augmented_assignment' || current.type === 'for_statement') {
        const left = current.childForFieldName('left');
        if (left) for (const id of left.descendantsOfType('identifier')) if (id && id.parent?.type !== 'attribute') names.add(id.text);
      } else if (current.type === 'function_definition' || current.type === 'class_definition') {
        const name = current.childForFieldName('name');
        if (name) names.add(name.text);
      }
      if (cursor.gotoFirstChild()) continue;
    }
    if (cursor.gotoNextSibling()) {
      descending = true;
      continue;
    }
    if (!cursor.gotoParent()) break;
    descending = false;
  }
  cursor.delete();
  return names;
}

function parseInteger(text: string): Value {
  const clean = text.replace(/_/g, '').toLowerCase();
  if (clean.endsWith('j')) return { kind: 'float', value: Number(clean.slice(0, -1)) };
  const value = clean.startsWith('0o') ? parseInt(clean.slice(2), 8) : clean.startsWith('0b') ? parseInt(clean.slice(2), 2) : Number(clean);
  return Number.isFinite(value) ? { kind: 'int', value } : unknown(`integer literal ${text}`);
}

function unescape(text: string): string {
  return text.replace(/\\(n|t|\\|'|")/g, (_, c: string) => ({ n: '\n', t: '\t' })[c] ?? c);
}

/** Python `str()` of a value, for f-strings; undefined when unknown. */
export function formatValue(value: Value): string | undefined {
  switch (value.kind) {
    case 'str':
      return value.value;
    case 'int':
      return String(value.value);
    case 'float':
      return Number.isInteger(value.value) ? value.value.toFixed(1) : String(value.value);
    case 'bool':
      return value.value ? 'True' : 'False';
    case 'none':
      return 'None';
    case 'tuple':
    case 'list': {
      const parts = value.items.map((item) => (item.kind === 'str' ? `'${item.value}'` : formatValue(item)));
      if (parts.some((p) => p === undefined)) return undefined;
      const [open, close] = value.kind === 'list' ? ['[', ']'] : ['(', ')'];
      return value.kind === 'tuple' && parts.length === 1 ? `(${parts[0]},)` : `${open}${parts.join(', ')}${close}`;
    }
    default:
      return undefined;
  }
}

function subscriptValue(container: Value, index: Value): Value | undefined {
  if (container.kind === 'tuple' || container.kind === 'list' || container.kind === 'str') {
    const length = container.kind === 'str' ? container.value.length : container.items.length;
    if (index.kind === 'int') {
      const i = index.value < 0 ? length + index.value : index.value;
      if (i < 0 || i >= length) return unknown(`index ${index.value} is out of range`);
      return container.kind === 'str' ? { kind: 'str', value: container.value[i]! } : container.items[i]!;
    }
    if (index.kind === 'slice') {
      const { start, stop, step } = index;
      const s = step.kind === 'int' ? step.value : 1;
      if (s === 0) return unknown('slice step is zero');
      const clamp = (v: Value | undefined, fallback: number): number => {
        if (v?.kind !== 'int') return fallback;
        const i = v.value < 0 ? length + v.value : v.value;
        return Math.max(s > 0 ? 0 : -1, Math.min(i, s > 0 ? length : length - 1));
      };
      const from = clamp(start, s > 0 ? 0 : length - 1);
      const to = clamp(stop, s > 0 ? length : -1);
      const picked: number[] = [];
      for (let i = from; s > 0 ? i < to : i > to; i += s) picked.push(i);
      if (container.kind === 'str') return { kind: 'str', value: picked.map((i) => container.value[i]).join('') };
      const items = picked.map((i) => container.items[i]!);
      return container.kind === 'list' ? { kind: 'list', items } : { kind: 'tuple', items };
    }
    return undefined;
  }
  if (container.kind === 'dict') {
    const key = dictKey(index);
    const entry = key === undefined ? undefined : container.entries.get(key);
    return entry?.value ?? unknown(`key not found in dict`);
  }
  return undefined;
}

/** Two values a name may hold after an undecidable branch: one if they agree, else unknown. */
function mergeValues(a: Value, b: Value, reason: string): Value {
  if (a === b) return a;
  if (a.kind === 'tensor' && b.kind === 'tensor' && a.tensor === b.tensor) return a;
  if (a.kind === 'layer' && b.kind === 'layer' && a.layer === b.layer) return a;
  if ((a.kind === 'int' || a.kind === 'str' || a.kind === 'bool' || a.kind === 'float') && a.kind === b.kind && a.value === b.value)
    return a;
  if (a.kind === 'none' && b.kind === 'none') return a;
  return unknown(reason);
}

function boundValue(value: Value): BoundValue | undefined {
  switch (value.kind) {
    case 'tensor':
      return { kind: 'tensor', tensor: value.tensor };
    case 'array':
      return { kind: 'array', shape: value.shape, dtype: value.dtype, source: value.source };
    case 'layer':
      return { kind: 'layer', layer: value.layer };
    case 'object':
      return value.object.layer === undefined ? undefined : { kind: 'model', layer: value.object.layer };
    case 'kfunction':
      return { kind: 'function', inputs: [...value.inputs], outputs: [...value.outputs] };
    case 'unknown':
      return { kind: 'unknown', reason: value.reason };
    default:
      return undefined;
  }
}

function pythonMethod(object: Value, name: string, interpreter: Interpreter): Value {
  if (object.kind === 'list' && (name === 'append' || name === 'extend' || name === 'insert' || name === 'pop')) {
    return {
      kind: 'builtin',
      name: `list.${name}`,
      call: (args) => {
        const [a, b] = args.positional;
        if (name === 'append' && a) object.items.push(a);
        else if (name === 'extend' && a) object.items.push(...(interpreter.iterate(a) ?? []));
        else if (name === 'insert' && a?.kind === 'int' && b) object.items.splice(a.value, 0, b);
        else if (name === 'pop') return object.items.pop() ?? unknown('pop from empty list');
        return none;
      },
    };
  }
  if (object.kind === 'dict' && (name === 'get' || name === 'keys' || name === 'values' || name === 'items')) {
    return {
      kind: 'builtin',
      name: `dict.${name}`,
      call: (args) => {
        const entries = [...object.entries.values()];
        if (name === 'keys') return { kind: 'list', items: entries.map((e) => e.key) };
        if (name === 'values') return { kind: 'list', items: entries.map((e) => e.value) };
        if (name === 'items') return { kind: 'list', items: entries.map((e) => ({ kind: 'tuple', items: [e.key, e.value] })) };
        const key = args.positional[0] ? dictKey(args.positional[0]) : undefined;
        return (key !== undefined ? object.entries.get(key)?.value : undefined) ?? args.positional[1] ?? none;
      },
    };
  }
  if (object.kind === 'str' && (name === 'format' || name === 'upper' || name === 'lower' || name === 'join')) {
    return {
      kind: 'builtin',
      name: `str.${name}`,
      call: (args) => {
        if (name === 'upper') return { kind: 'str', value: object.value.toUpperCase() };
        if (name === 'lower') return { kind: 'str', value: object.value.toLowerCase() };
        if (name === 'join') {
          const parts = interpreter.iterate(args.positional[0] ?? none)?.map(formatValue);
          return parts && parts.every((p) => p !== undefined)
            ? { kind: 'str', value: parts.join(object.value) }
            : unknown('join of unknown parts');
        }
        let position = 0;
        let failed = false;
        const text = object.value.replace(/\{([^{}]*)\}/g, (_, key: string) => {
          const value =
            key === '' ? args.positional[position++] : /^\d+$/.test(key) ? args.positional[Number(key)] : args.keywords.get(key);
          const formatted = value ? formatValue(value) : undefined;
          if (formatted === undefined) failed = true;
          return formatted ?? '';
        });
        return failed ? unknown('str.format with unknown parts') : { kind: 'str', value: text };
      },
    };
  }
  return unknown(`${object.kind} has no attribute \`${name}\` that Tensor Lens models`);
}
