// Calls and the object model for the interpreter: calling functions, classes,
// objects and Keras values, binding arguments to parameters, making instances,
// and looking attributes up through classes and their bases.

import { ExpressionEvaluator } from './expressions.js';
import type { ModuleContext } from './modules/module-context.js';
import { canonicalPath } from './keras/api-paths.js';
import { PythonRaise } from './python-exceptions.js';
import { mergeValues, pythonMethod } from './python-values.js';
import type { Node } from './python/parser.js';
import { Scope } from './scope.js';
import {
  type Arguments,
  type CallSite,
  none,
  type PythonClass,
  type PythonFunction,
  type PythonObject,
  unknown,
  type Value,
} from './values.js';

/** How running a block ends: through its last statement, or at a `return`, `break` or `continue`. */
export type Completion =
  | { readonly type: 'normal' }
  | { readonly type: 'return'; readonly value: Value }
  | { readonly type: 'break' }
  | { readonly type: 'continue' };

interface Frame {
  /** Values a function may return from branches the analysis cannot decide. */
  readonly possibleReturns: Value[];
  readonly fn?: PythonFunction;
  readonly self?: Value;
  /** How many undecidable branches the call was made in. */
  readonly undecidedAtEntry: number;
}

export abstract class CallEvaluator extends ExpressionEvaluator {
  protected readonly frames: Frame[] = [{ possibleReturns: [], undecidedAtEntry: 0 }];
  /** How many branches of conditions it cannot decide the interpreter is in: what they set may not happen. */
  protected undecidedBranches = 0;
  /** How many `try` bodies are running: an exception raised in them is theirs to catch. */
  protected tryDepth = 0;
  /** While a loop runs an unknown number of times: the lists (their items) and dicts (their entries) it changes. */
  protected changedContainers: Set<object> | undefined;
  /** The class each method was defined in, for zero-argument `super()`. */
  protected readonly methodClasses = new Map<Node, PythonClass>();
  /** Each module's names, to the module: the scope a function was defined in leads to its module. */
  protected readonly scopeModules = new Map<Scope, ModuleContext>();
  /** The innermost call (or import) of the analysed file being run, where what goes wrong in another module is reported. */
  protected entryNode: Node | undefined;
  /** The definitions whose body has run at least once. */
  protected readonly invokedFunctions = new Set<Node>();

  /** Runs statements in order, up to the first that does not complete normally (a `return`, `break`, `continue`). */
  abstract execBlock(statements: readonly (Node | null)[], scope: Scope): Completion;
  /** `module.name` of a module of the user's: its name, else its submodule. */
  protected abstract userModuleAttribute(module: ModuleContext, name: string): Value;
  /** What a canonical API path (`keras.layers.Dense`) stands for: the registry's function, layer class or constant, else a module. */
  protected abstract apiValue(path: string): Value;

  /** `super()` and `super(cls, self)`: the rest of the instance's classes after the method's own. */
  protected superOf(args: Arguments): Value {
    const [clsValue, selfValue] = args.positional;
    const frame = this.frames.at(-1)!;
    const self = selfValue ?? frame.self;
    const cls = clsValue?.kind === 'class' ? clsValue.cls : frame.fn ? this.methodClasses.get(frame.fn.node) : undefined;
    if (self?.kind !== 'object' || !cls) return unknown('super() outside a method');
    return { kind: 'super', self: self.object, after: cls };
  }

  // ---- calls ---------------------------------------------------------------

  protected evaluateCall(node: Node, scope: Scope): Value {
    const callee = this.evaluate(node.childForFieldName('function')!, scope);
    const argumentNode = node.childForFieldName('arguments');
    const positionalNodes: (Node | undefined)[] = [];
    const args: Arguments = { positional: [], keywords: new Map(), keywordNodes: new Map(), positionalNodes };
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
        if (spread) {
          args.positional.push(...spread);
          positionalNodes.push(...spread.map(() => undefined));
        } else return unknown(`\`${child.text}\` has unknown length`);
      } else if (child.type === 'dictionary_splat') {
        const spread = this.evaluate(child.namedChildren[0]!, scope);
        if (spread.kind === 'dict') {
          for (const { key, value } of spread.entries.values()) if (key.kind === 'str') args.keywords.set(key.value, value);
        } else return unknown(`\`${child.text}\` has unknown keys`);
      } else {
        args.positional.push(this.evaluate(child, scope));
        positionalNodes.push(child);
      }
    }
    if (argumentNode?.type === 'generator_expression') args.positional.push(this.evaluate(argumentNode, scope));
    return this.enteredAt(node, () => this.call(callee, args, { node }));
  }

  /** Runs a call or import of the analysed file: what goes wrong in another module on the way is reported on `node`. */
  protected enteredAt<T>(node: Node, run: () => T): T {
    if (!this.module.main) return run();
    const outer = this.entryNode;
    this.entryNode = node;
    try {
      return run();
    } finally {
      this.entryNode = outer;
    }
  }

  /** Runs code of `module`: its names are looked up there, and the graph knows whose code it is. */
  protected inModule<T>(module: ModuleContext, run: () => T): T {
    const previous = this.module;
    const origin = this.graph.origin;
    if (module === previous) return run();
    this.module = module;
    const site = origin?.site ?? (this.entryNode ? this.range(this.entryNode) : undefined);
    this.graph.origin = module.main || !site ? undefined : { module: module.displayName, site };
    try {
      return run();
    } catch (error) {
      // An exception leaving another module for the analysed file: where it is reported is the file's call.
      if (error instanceof PythonRaise && previous.main && error.enteredAt === undefined) error.enteredAt = this.entryNode;
      throw error;
    } finally {
      this.module = previous;
      this.graph.origin = origin;
    }
  }

  /** The module a function was defined in: the one whose names its scope leads to. */
  private moduleOf(scope: Scope): ModuleContext {
    let outermost = scope;
    while (outermost.parent) outermost = outermost.parent;
    return this.scopeModules.get(outermost) ?? this.module;
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

  api(path: string): Value {
    return this.apiValue(canonicalPath(path));
  }

  invoke(fn: PythonFunction, args: Arguments, self: Value | undefined): Value {
    if (this.frames.length > this.limits.maxCallDepth) return unknown(`calls nested deeper than ${this.limits.maxCallDepth} levels`);
    const scope = new Scope(fn.closure);
    this.bindParameters(fn, self ? { ...args, positional: [self, ...args.positional] } : args, scope);
    return this.runFunction(fn, scope, self);
  }

  /** Runs a function whose parameters are bound in `scope`. */
  protected runFunction(fn: PythonFunction, scope: Scope, self: Value | undefined): Value {
    return this.inModule(this.moduleOf(fn.closure), () => this.runFunctionBody(fn, scope, self));
  }

  private runFunctionBody(fn: PythonFunction, scope: Scope, self: Value | undefined): Value {
    this.invokedFunctions.add(fn.node);
    if (this.recursesUndecided(fn)) {
      return unknown(`${fn.name}() calls itself under a condition that cannot be decided, so where it stops is not known`);
    }
    if (fn.lambdaBody) return this.evaluate(fn.lambdaBody, scope);
    const undecidedAtEntry = this.undecidedBranches;
    const frame: Frame = self ? { possibleReturns: [], fn, self, undecidedAtEntry } : { possibleReturns: [], fn, undecidedAtEntry };
    this.frames.push(frame);
    try {
      let completion: Completion;
      try {
        completion = this.execBlock(fn.node.childForFieldName('body')?.namedChildren ?? [], scope);
      } catch (error) {
        // Raised on a way the function goes unless it returned before, on a branch that cannot be decided: it may not raise.
        if (!(error instanceof PythonRaise) || frame.possibleReturns.length === 0) throw error;
        const [first, ...others] = frame.possibleReturns;
        const reason = `${fn.name}() returns this, or raises ${error.message}, depending on a condition that cannot be decided`;
        return others.reduce((merged, other) => mergeValues(merged, other, reason), first!);
      }
      const result = completion.type === 'return' ? completion.value : none;
      return frame.possibleReturns.reduce(
        (merged, other) => mergeValues(merged, other, `the value ${fn.name}() returns depends on a condition that cannot be decided`),
        result,
      );
    } finally {
      this.frames.pop();
    }
  }

  /**
   * A recursion is followed while the conditions on its way are decided (known arguments); one that goes on
   * through a condition that cannot be decided is not, or its undecided branches would multiply at each level.
   */
  private recursesUndecided(fn: PythonFunction): boolean {
    const active = this.frames.findLast((frame) => frame.fn?.node === fn.node);
    return active !== undefined && this.undecidedBranches > active.undecidedAtEntry;
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
    const object: PythonObject = { cls, attributes: new Map(), ownParams: 0, ownNonTrainableParams: 0, built: false };
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
        return this.apiValue(canonicalPath(`${object.path}.${name}`));
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
      case 'userModule':
        return this.userModuleAttribute(object.module, name);
      case 'unknown':
        return { kind: 'unknown', reason: object.reason, ...(object.reported ? { reported: true } : {}) };
      default:
        return (
          this.keras.attribute(object, name, node) ??
          pythonMethod(
            object,
            name,
            (list, items) => {
              this.changedContainers?.add(list);
              this.keras.listGrew(list, items);
            },
            (entries) => this.changedContainers?.add(entries),
          )
        );
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
}

/** Whether every base of the class is a class of the file (so a missing `__init__` really is missing). */
function definesEveryBase(cls: PythonClass): boolean {
  return cls.bases.every((base) => base.kind === 'class' && definesEveryBase(base.cls));
}
