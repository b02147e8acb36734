// An abstract interpreter over the Python that model files are written in. It
// never throws on user code: whatever it cannot follow becomes an `unknown`
// value carrying the reason, and the rest of the file is still analysed.
//
// The interpretation is layered: expressions.ts evaluates expressions, calls.ts
// calls and the object model on top of it, and this class runs statements.

import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createPythonBuiltins, isAnalysedRoot, resolveApi } from './builtins.js';
import { CallEvaluator, type Completion } from './calls.js';
import { readDirectives } from './directives.js';
import { errorText } from './internal-error.js';
import { KerasRuntime } from './keras-runtime.js';
import { BudgetSpent, defaultLimits, type Limits } from './limits.js';
import { canonicalPath, lastName, publicKerasPath } from './keras/api-paths.js';
import { functionDecorators } from './keras/functions/ops.js';
import { compare } from './operators.js';
import { boundValue, mergeValues } from './python-values.js';
import type { Node } from './python/parser.js';
import { inEffectFrom, rangeOf } from './python/source-range.js';
import { blockOf, capturedNames, dataclassFields, parameterNames } from './python/syntax.js';
import { UserModules } from './modules/user-modules.js';
import { findDataFile, kerasHome } from './modules/data-files.js';
import { builtinAncestry, builtinExceptionNames, catches, exceptionText, PythonRaise, type RaisedException } from './python-exceptions.js';
import type { ModuleContext, ModuleLoader } from './modules/module-context.js';
import { Scope } from './scope.js';
import { dictKey, none, type PythonClass, type PythonFunction, str, truthy, unknown, type Value } from './values.js';

const normal: Completion = { type: 'normal' };

export class Interpreter extends CallEvaluator {
  readonly keras: KerasRuntime;
  protected readonly builtins: Map<string, Value>;
  /** The outermost statement being run, where a budget cut is reported. */
  private topStatement: Node | undefined;
  /** Every function the file defines, by its definition's node: the last one made, with its closure. */
  private readonly definedFunctions = new Map<Node, PythonFunction>();

  /** The user's modules the file imports; undefined when the analysed text has no file. */
  readonly modules: UserModules | undefined;

  /** The modules of the libraries Tensor Lens ships (keras.applications), read as the user's are. */
  private readonly libraryModules: UserModules | undefined;

  constructor(
    limits: Limits = defaultLimits,
    private readonly loader?: ModuleLoader,
    libraryLoader?: ModuleLoader,
  ) {
    super(limits);
    const runModule = (module: ModuleContext): void => {
      this.scopeModules.set(module.globals, module);
      this.inModule(module, () => {
        for (const statement of module.root?.namedChildren ?? []) if (statement) this.execStatement(statement, module.globals);
      });
    };
    this.modules = loader && new UserModules(loader, runModule);
    this.libraryModules = libraryLoader && new UserModules(libraryLoader, runModule, true);
    this.keras = new KerasRuntime(this);
    this.builtins = createPythonBuiltins(this);
    this.builtins.set('super', { kind: 'builtin', name: 'super', call: (args) => this.superOf(args) });
  }

  /** Runs the module; `startedAt` is when the analysis began (parsing counts against the time budget too). */
  run(root: Node, startedAt = performance.now()): void {
    this.deadline = startedAt + this.limits.maxMilliseconds;
    const file = this.loader?.imports.file;
    this.module = {
      path: file,
      displayName: file === undefined ? 'this file' : basename(file),
      folder: file === undefined ? undefined : dirname(file),
      library: false,
      main: true,
      root,
      globals: this.globals,
      wildcardModules: [],
      assignedAnywhere: null,
      loading: true,
    };
    this.scopeModules.set(this.globals, this.module);
    const { directives, problems } = readDirectives(root);
    this.directives = directives;
    for (const problem of problems) this.graph.report('information', problem.range, problem.message, 'directive');
    try {
      for (const statement of root.namedChildren) {
        if (!statement) continue;
        this.topStatement = statement;
        this.execStatement(statement, this.globals);
      }
      this.module.loading = false;
      this.topStatement = undefined;
      this.runUncalledFunctions();
      for (const directive of this.directives.values()) {
        if (directive.used) continue;
        this.graph.report(
          'information',
          directive.range,
          `This directive is not used: no expression \`${directive.expression}\` of the file has a value Tensor Lens does not know.`,
          'directive',
        );
      }
    } catch (error) {
      if (!(error instanceof BudgetSpent)) throw error;
      this.graph.report('information', rangeOf(this.topStatement ?? root), error.message, 'analysis-limit');
    }
  }

  /**
   * The functions and methods the file defines but never calls (helpers for
   * another module, tests, callbacks) are run too, once each, after the module
   * as a caller would, with every parameter unknown: their lines get hovers and
   * what fails there whatever the arguments is reported. Each starts from the
   * layer names the module leaves, as if called first after it.
   */
  private runUncalledFunctions(): void {
    const names = this.graph.names.snapshot();
    this.runningUncalled = true;
    try {
      for (;;) {
        const pending = [...this.definedFunctions.values()]
          .filter((fn) => fn.node.tree === this.module.root?.tree && !this.invokedFunctions.has(fn.node))
          .sort((a, b) => a.node.startIndex - b.node.startIndex);
        const fn = pending[0];
        if (!fn) return;
        this.topStatement = fn.node;
        this.graph.names.restore(names);
        const scope = new Scope(fn.closure);
        const method = this.methodClasses.has(fn.node) && fn.binding !== 'staticmethod';
        parameterNames(fn.node).forEach((name, i) => {
          const reason =
            method && i === 0
              ? `\`${name}\` of ${fn.name}() is not known: the file never calls it`
              : `argument \`${name}\` of ${fn.name}() is not known: the file never calls it`;
          scope.set(name, unknown(reason));
        });
        try {
          this.runFunction(fn, scope, undefined);
        } catch (error) {
          // Raised whatever the arguments, by a function the file never calls: Python never raises it.
          if (!(error instanceof PythonRaise)) throw error;
        }
      }
    } finally {
      this.runningUncalled = false;
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
      if (error instanceof PythonRaise) {
        if (!this.stopsHere(error, node)) throw error;
        this.reportRaise(error, node, scope);
        return normal;
      }
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
      case 'raise_statement':
        return this.execRaise(node, scope);
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
        if (container.kind === 'dict' || container.kind === 'list') {
          this.changedContainers?.add(container.kind === 'dict' ? container.entries : container.items);
        }
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
    if (name === 'trainable') this.keras.setTrainable(object, value, this.undecidedBranches > 0);
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
    this.undecidedBranches++;
    let a: Completion | PythonRaise;
    let b: Completion | PythonRaise;
    let afterFirst: Map<string, Value>;
    try {
      a = raising(first);
      afterFirst = scope.snapshot();
      scope.restore(before);
      b = raising(second);
    } finally {
      this.undecidedBranches--;
    }
    // A branch that raises is one way the code may go; it goes on the other way. Both raising, it raises.
    if (a instanceof PythonRaise) {
      if (b instanceof PythonRaise) throw a;
      return b;
    }
    if (b instanceof PythonRaise) {
      scope.restore(afterFirst);
      return a;
    }
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
    // One branch goes on and the other leaves the iteration (`continue`/`break`): the rest of the block may run, and is
    // analysed, from the merged state.
    if (a.type === 'normal' || b.type === 'normal') return normal;
    return a;
  }

  /** `raise X`: the rest of the code around it does not run, up to what catches it (see PythonRaise). */
  private execRaise(node: Node, scope: Scope): never {
    const expression = node.namedChildren[0];
    const value = expression ? this.evaluate(expression, scope) : undefined;
    throw new PythonRaise(this.raisedOf(value), node, this.module);
  }

  private raisedOf(value: Value | undefined): RaisedException {
    const unknownException: RaisedException = { className: undefined, ancestry: [], message: undefined };
    if (value?.kind === 'exception') return value.raised;
    if (value?.kind === 'builtin' && builtinExceptionNames.includes(value.name)) {
      return { className: value.name, ancestry: builtinAncestry(value.name), message: '' };
    }
    const cls = value?.kind === 'class' ? value.cls : value?.kind === 'object' ? value.object.cls : undefined;
    if (!cls) return unknownException;
    const ancestry = (c: PythonClass): string[] => [
      c.name,
      ...c.bases.flatMap((base) =>
        base.kind === 'class' ? ancestry(base.cls) : base.kind === 'builtin' ? builtinAncestry(base.name) : [],
      ),
    ];
    return { className: cls.name, ancestry: ancestry(cls), message: undefined };
  }

  /**
   * Where an exception stops the analysed file: at its statement that called into the module that raised (what that
   * statement binds becomes unknown, and the code after it is still analysed), or, raised in the file itself, at the
   * top-level statement it ends. A `try` around it catches it instead.
   */
  private stopsHere(raise: PythonRaise, statement: Node): boolean {
    if (!this.module.main || this.tryDepth > 0) return false;
    return raise.enteredAt !== undefined || statement === this.topStatement;
  }

  private reportRaise(raise: PythonRaise, statement: Node, scope: Scope): void {
    const where = raise.enteredAt ? ` (raised in ${raise.module.displayName}, line ${raise.node.startPosition.row + 1})` : '';
    const message = `${exceptionText(raise.raised)}${where}`;
    if (!this.runningUncalled) this.graph.report('error', rangeOf(raise.enteredAt ?? raise.node), message, 'python-exception');
    const assignment = statement.type === 'expression_statement' ? statement.namedChildren[0] : undefined;
    const target = assignment?.type === 'assignment' ? assignment.childForFieldName('left') : undefined;
    if (target) this.assign(target, { kind: 'unknown', reason: `the call raises ${message}`, reported: true }, scope);
  }

  /**
   * `with a as b, c:` — each context manager evaluated; `b` is what its `__enter__` gives where that is a builtin's
   * (a file of `open()` gives itself), else unknown: a class's own `__enter__` is not run.
   */
  private execWith(node: Node, scope: Scope): Completion {
    const items = node.namedChildren.find((c) => c?.type === 'with_clause')?.namedChildren ?? [];
    let expectsRaise = false;
    for (const item of items) {
      const value = item?.childForFieldName('value');
      if (!value) continue;
      const manager = value.type === 'as_pattern' ? value.namedChildren[0] : value;
      if (manager?.type === 'call' && raiseExpecting.has(lastName(manager.childForFieldName('function')?.text ?? ''))) expectsRaise = true;
      if (value.type !== 'as_pattern') {
        this.evaluate(value, scope);
        continue;
      }
      const target = value.childForFieldName('alias')?.namedChildren[0];
      const context = manager ? this.evaluate(manager, scope) : undefined;
      const enter = context?.kind === 'object' ? context.object.attributes.get('__enter__') : undefined;
      const entered =
        enter?.kind === 'builtin'
          ? enter.call({ positional: [], keywords: new Map(), keywordNodes: new Map() }, { node: value })
          : unknown(`the value \`with ${manager?.text ?? ''}\` gives is not known statically`);
      if (target) this.assign(target, entered, scope);
    }
    const body = (): Completion => this.execBlock(node.childForFieldName('body')?.namedChildren ?? [], scope);
    if (!expectsRaise) return body();
    // The body is meant to raise: what it raises is caught, and errors in it are what the code tests for.
    this.graph.expectingErrors++;
    try {
      const completion = raising(body);
      return completion instanceof PythonRaise ? normal : completion;
    } finally {
      this.graph.expectingErrors--;
    }
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
    const handlers = clauses.filter((c) => c.type === 'except_clause' || c.type === 'except_group_clause');
    this.tryDepth++;
    let body: Completion | PythonRaise;
    try {
      body = raising(() => this.execBlock(node.childForFieldName('body')?.namedChildren ?? [], scope));
    } finally {
      this.tryDepth--;
    }
    if (body instanceof PythonRaise) {
      const completion = raising(() => this.handleRaise(body, handlers, scope));
      const after = finallyClause ? this.execBlock(blockOf(finallyClause), scope) : normal;
      if (completion instanceof PythonRaise) throw completion;
      return after.type !== 'normal' ? after : completion;
    }
    let completion = body;
    if (completion.type === 'normal' && elseClause) completion = this.execBlock(blockOf(elseClause), scope);
    for (const handler of handlers) {
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

  /** The handlers of a `try` whose body raised: the first that catches it runs; none does, it goes on up. */
  private handleRaise(raise: PythonRaise, handlers: readonly Node[], scope: Scope): Completion {
    const [handler, ...rest] = handlers;
    if (!handler) throw raise;
    const caught = catches(this.handledClasses(handler, scope), raise.raised);
    if (caught === true) return this.execHandler(handler, scope);
    if (caught === false) return this.handleRaise(raise, rest, scope);
    return this.exploreBoth(
      `depends on whether \`${handler.text.split('\n')[0]}\` catches ${exceptionText(raise.raised)}, which is not known statically`,
      () => this.execHandler(handler, scope),
      () => this.handleRaise(raise, rest, scope),
      scope,
    );
  }

  /** The classes an `except` clause names, or 'everything' for a bare `except:`. */
  private handledClasses(handler: Node, scope: Scope): Value[] | 'everything' {
    const caught = handler.childForFieldName('value');
    if (!caught) return 'everything';
    const expression = caught.type === 'as_pattern' ? caught.namedChildren[0] : caught;
    if (!expression) return 'everything';
    const value = this.evaluate(expression, scope);
    return value.kind === 'tuple' ? [...value.items] : [value];
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
      else if (defined.kind === 'function' && !decorator!.text.includes('(')) {
        // A Keras function that makes a function of one (`@ops.custom_gradient`) is applied; others return it unchanged.
        const expression = decorator!.namedChildren[0];
        const applied = expression ? this.evaluate(expression, scope) : undefined;
        if (applied?.kind === 'builtin' && functionDecorators.has(applied.name)) {
          scope.set(name, applied.call({ positional: [defined], keywords: new Map(), keywordNodes: new Map() }, { node: decorator! }));
        }
      }
    }
    return completion;
  }

  /** `global x` / `nonlocal x`: assignments to `x` in this scope go to the module's or the enclosing function's. */
  private declareOuter(name: string, statement: string, scope: Scope): void {
    if (statement === 'global_statement') {
      scope.redirect(name, this.module.globals);
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
      return this.runUncounted(`how many times the loop over \`${right.text}\` runs`, scope, () => {
        this.assign(left, unknown(iterable.kind === 'unknown' ? iterable.reason : `cannot iterate over ${iterable.kind}`), scope);
        return this.execBlock(body, scope);
      });
    }
    const loop = this.beginLoop(scope);
    try {
      let count = 0;
      for (const item of items) {
        this.step();
        if (count++ > 0 && this.loopCut(node, loop, count - 1, scope)) return normal;
        this.assign(left, item, scope);
        const completion = this.execBlock(body, scope);
        if (completion.type === 'break') return normal;
        if (completion.type === 'return') return completion;
      }
    } finally {
      this.endLoop(loop);
    }
    const elseClause = node.childForFieldName('alternative');
    return elseClause ? this.execBlock(elseClause.childForFieldName('body')?.namedChildren ?? [], scope) : normal;
  }

  private execWhile(node: Node, scope: Scope): Completion {
    const condition = node.childForFieldName('condition');
    const body = node.childForFieldName('body')?.namedChildren ?? [];
    const loop = this.beginLoop(scope);
    try {
      for (let count = 0; condition; count++) {
        this.step();
        const decided = truthy(this.evaluate(condition, scope));
        if (decided === undefined) {
          return this.runUncounted(`how many times \`while ${condition.text}\` runs`, scope, () => this.execBlock(body, scope));
        }
        if (decided !== true) return normal;
        if (count > 0 && this.loopCut(node, loop, count, scope)) return normal;
        const completion = this.execBlock(body, scope);
        if (completion.type === 'break') return normal;
        if (completion.type === 'return') return completion;
      }
    } finally {
      this.endLoop(loop);
    }
    return normal;
  }

  /**
   * A loop that runs a known number of times is followed iteration by iteration, within a share of the time left
   * (half of it) and at most `maxLoopIterations` iterations: what it changed is tracked, so that one cut short leaves
   * it unknown, rather than the state of an iteration that is not the last.
   */
  private beginLoop(scope: Scope): LoopState {
    const started = performance.now();
    const loop: LoopState = {
      before: scope.snapshot(),
      changed: new Set(),
      outer: this.changedContainers,
      endsBy: started + (this.deadline - started) / 2,
    };
    this.changedContainers = loop.changed;
    return loop;
  }

  private endLoop(loop: LoopState): void {
    this.changedContainers = loop.outer;
    for (const container of loop.changed) loop.outer?.add(container);
  }

  /** Whether the loop is cut before the iteration after `done` ones; if so, what it changed becomes unknown. */
  private loopCut(node: Node, loop: LoopState, done: number, scope: Scope): boolean {
    const why =
      done >= this.limits.maxLoopIterations
        ? `more than ${this.limits.maxLoopIterations.toLocaleString('en-US')} iterations`
        : performance.now() > loop.endsBy
          ? 'more time than the analysis has for it'
          : undefined;
    if (why === undefined) return false;
    this.graph.report(
      'information',
      rangeOf(node),
      `This loop takes ${why}: it is analysed for its first ${done.toLocaleString('en-US')} iterations, and what it changes is not known after it.`,
      'loop-limit',
    );
    this.forgetChanges(
      loop.before,
      loop.changed,
      scope,
      `depends on iterations of the loop on line ${node.startPosition.row + 1} that were not analysed`,
    );
    return true;
  }

  /** After code that may or may not have run (in full): each name is known only where it is the same either way. */
  private forgetChanges(before: Map<string, Value>, changed: ReadonlySet<object>, scope: Scope, reason: string): void {
    const after = scope.snapshot();
    const merged = new Map<string, Value>();
    for (const name of new Set([...before.keys(), ...after.keys()])) {
      const was = before.get(name);
      const is = after.get(name);
      const value = was && is ? mergeValues(was, is, reason) : unknown(reason);
      merged.set(name, changedContainer(value, changed) ? unknown(reason) : value);
    }
    scope.restore(merged);
  }

  /**
   * A loop body that runs a number of times the analysis cannot know: run once, so its lines have hovers, as one of
   * the ways it may go. Afterwards, what it binds is known only where it is the same whether the body ran or not, and
   * the lists and dicts it changed (`rows.append(…)`) no longer have a known length.
   */
  private runUncounted(depends: string, scope: Scope, body: () => Completion): Completion {
    const reason = `depends on ${depends}, which cannot be known without running the code`;
    const before = scope.snapshot();
    const outerChanges = this.changedContainers;
    const changed = new Set<object>();
    this.changedContainers = changed;
    this.undecidedBranches++;
    let completion: Completion | PythonRaise;
    try {
      completion = raising(body);
    } finally {
      this.undecidedBranches--;
      this.changedContainers = outerChanges;
      for (const container of changed) outerChanges?.add(container);
    }
    this.forgetChanges(before, changed, scope, reason);
    if (!(completion instanceof PythonRaise) && completion.type === 'return') this.frames.at(-1)!.possibleReturns.push(completion.value);
    return normal;
  }

  private execImport(node: Node, scope: Scope): void {
    this.enteredAt(node, () => {
      if (node.type === 'import_statement') this.execPlainImport(node, scope);
      else this.execFromImport(node, scope);
    });
  }

  /** `import a.b.c` binds `a` (with `b` and `c` loaded as its attributes); `import a.b as m` binds `m` to `a.b`. */
  private execPlainImport(node: Node, scope: Scope): void {
    for (const child of node.namedChildren) {
      if (!child) continue;
      if (child.type === 'aliased_import') {
        const path = this.sourcePath(child.childForFieldName('name')!.text);
        scope.set(child.childForFieldName('alias')!.text, this.importPath(path, true));
      } else if (child.type === 'dotted_name') {
        scope.set(child.text.split('.')[0]!, this.importPath(this.sourcePath(child.text), false));
      }
    }
  }

  private execFromImport(node: Node, scope: Scope): void {
    const moduleNode = node.childForFieldName('module_name');
    if (!moduleNode) return;
    const module = this.sourcePath(moduleNode.text);
    const relative = moduleNode.type === 'relative_import';
    const userModule = !this.modules
      ? undefined
      : relative
        ? this.modules.relative(module, this.module)
        : isAnalysedRoot(canonicalPath(module))
          ? undefined
          : this.modules.byName(module);
    if (node.namedChildren.some((c) => c?.type === 'wildcard_import')) {
      if (userModule?.kind === 'userModule')
        for (const [name, value] of this.modules!.everything(userModule.module)) scope.set(name, value);
      else if (!relative && !userModule) this.module.wildcardModules.push(module);
      return;
    }
    for (const child of node.childrenForFieldName('name')) {
      if (!child) continue;
      const aliased = child.type === 'aliased_import';
      const name = aliased ? child.childForFieldName('name')!.text : child.text;
      const local = aliased ? child.childForFieldName('alias')!.text : name;
      let value: Value;
      if (userModule?.kind === 'userModule') value = this.modules!.attribute(userModule.module, name);
      else if (userModule) value = userModule;
      else if (relative && !this.loader)
        value = unknown(`imported from ${module}: the text analysed has no file, so no module near it is read`);
      else if (relative) value = unknown(`imported from ${module}, which is not a module Tensor Lens finds`);
      else value = this.importedModule(`${module}.${name}`);
      scope.set(local, value);
    }
  }

  /**
   * The value `import path` gives: an API Tensor Lens models (keras, tensorflow, numpy…), else a module of the
   * user's, loaded with every package on its path. `whole`: the module itself (`import a.b as m`), else its top package.
   */
  private importPath(path: string, whole: boolean): Value {
    if (isAnalysedRoot(canonicalPath(path)) || !this.modules) return this.importedModule(whole ? path : path.split('.')[0]!);
    const user = this.modules.byName(path);
    if (user?.kind === 'userModule' && !whole) return this.modules.byName(path.split('.')[0]!)!;
    return user ?? this.importedModule(whole ? path : path.split('.')[0]!);
  }

  /** A module path as the current module means it: Keras's source paths are its public ones in the Keras sources read. */
  private sourcePath(path: string): string {
    return this.module.library ? publicKerasPath(path) : path;
  }

  protected userModuleAttribute(module: ModuleContext, name: string): Value {
    return (module.library ? this.libraryModules : this.modules)!.attribute(module, name);
  }

  dataFile(path: string): Value {
    const found = findDataFile(path, this.loader?.imports);
    if (found === 'unknown') return unknown(`\`${path}\` is a path from the folder the code runs in, and the text analysed has no file`);
    return found === undefined ? none : str(found);
  }

  cachedFile(subfolder: string, name: string): Value {
    const path = join(kerasHome(), subfolder, name);
    return existsSync(path)
      ? str(path)
      : unknown(`${name} is not in Keras's cache (${join(kerasHome(), subfolder)}): Keras downloads it when the code runs`);
  }

  library(module: string, name?: string): Value {
    const found = this.libraryModules?.byName(module);
    if (!found) return unknown(`the Python sources of \`${module}\` that Tensor Lens ships are not found`);
    if (name === undefined || found.kind !== 'userModule') return found;
    return this.libraryModules!.attribute(found.module, name);
  }

  protected importedModule(path: string): Value {
    const canonical = canonicalPath(path);
    if (isAnalysedRoot(canonical)) return resolveApi(canonical, this);
    return unknown(`\`${path}\` is imported from a module Tensor Lens does not read`);
  }

  protected apiValue(path: string): Value {
    return resolveApi(path, this);
  }

  private defineFunction(node: Node, scope: Scope): void {
    const name = node.childForFieldName('name')!.text;
    scope.set(name, { kind: 'function', fn: this.makeFunction(name, node, scope) });
  }

  protected makeFunction(name: string, node: Node, scope: Scope, lambdaBody?: Node): PythonFunction {
    const fn = this.functionOf(name, node, scope, lambdaBody);
    this.definedFunctions.set(node, fn);
    return fn;
  }

  private functionOf(name: string, node: Node, scope: Scope, lambdaBody?: Node): PythonFunction {
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
      if (value.kind === 'function') this.methodClasses.set(value.fn.node, cls);
    }
  }
}

/** Context managers that catch what their body raises: unittest's and pytest's checks that it does, and `suppress`. */
const raiseExpecting = new Set(['assertRaises', 'assertRaisesRegex', 'assertRaisesRegexp', 'raises', 'suppress']);

/** What a block gives, or the exception that leaves it. */
function raising<T>(run: () => T): T | PythonRaise {
  try {
    return run();
  } catch (error) {
    if (error instanceof PythonRaise) return error;
    throw error;
  }
}

interface LoopState {
  /** The names of the loop's scope before it. */
  readonly before: Map<string, Value>;
  /** The lists and dicts it changed. */
  readonly changed: Set<object>;
  /** The enclosing loop's set of changes. */
  readonly outer: Set<object> | undefined;
  /** When its share of the analysis's time is spent. */
  readonly endsBy: number;
}

/** Whether a value is a list or dict among those changed. */
function changedContainer(value: Value, changed: ReadonlySet<object>): boolean {
  if (value.kind === 'list') return changed.has(value.items);
  return value.kind === 'dict' && changed.has(value.entries);
}

function undecided(condition: Node | null): string {
  return `depends on \`${condition?.text ?? '?'}\`, which cannot be decided without running the code`;
}
