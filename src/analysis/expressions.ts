// Evaluating expressions for the interpreter: names, literals, strings,
// containers, subscripts, operators and comprehensions. This base holds what
// every part of the interpretation shares (the graph, the budgets, the module's
// names); calls and statements are in the classes built on it.

import { formatWithSpec, reprValue } from './string-formatting.js';
import { arrayLiteralItems } from './keras/functions/array-literals.js';
import type { SourceRange } from '../graph/ir.js';
import { GraphBuilder } from './graph-builder.js';
import type { KerasRuntime } from './keras-runtime.js';
import { budgetSpent, clockInterval, type Limits } from './limits.js';
import { binaryOperation, compare, unaryOperation } from './operators.js';
import { itemsOf, parseInteger, subscriptValue, unescape } from './python-values.js';
import type { Node } from './python/parser.js';
import { rangeOf } from './python/source-range.js';
import { collectAssignedNames } from './python/syntax.js';
import { Scope } from './scope.js';
import { compactExpression, type Directive } from './directives.js';
import type { ModuleContext } from './modules/module-context.js';
import { dictKey, none, type PythonFunction, truthy, unknown, type Value } from './values.js';

/** The expressions a directive can stand for: names, attributes, calls and items (`vocab_size`, `x.shape`, `len(names)`). */
const pinnable: ReadonlySet<string> = new Set(['identifier', 'attribute', 'call', 'subscript']);

/** The comparisons a KerasTensor overloads (it has no `__eq__`: `==` is identity). */
const tensorComparisons: ReadonlySet<string> = new Set(['<', '<=', '>', '>=', '!=']);

export abstract class ExpressionEvaluator {
  readonly graph = new GraphBuilder();
  abstract readonly keras: KerasRuntime;
  /** The analysed file's names. */
  protected readonly globals = new Scope(undefined);
  /** The module whose code runs now: the analysed file, or one of the user's modules it imports. */
  protected module!: ModuleContext;
  /** True while the functions the file never calls are analysed. */
  protected runningUncalled = false;
  /** The file's `# tensor-lens:` directives, by expression. */
  protected directives = new Map<string, Directive>();
  protected abstract readonly builtins: Map<string, Value>;
  private steps = 0;
  private expressionDepth = 0;
  protected deadline = Infinity;

  constructor(protected readonly limits: Limits) {}

  /** Binds a value to an assignment target: a name, an attribute, an item, or a pattern of those. */
  abstract assign(target: Node, value: Value, scope: Scope): void;
  abstract getAttribute(object: Value, name: string, node: Node): Value;
  protected abstract evaluateCall(node: Node, scope: Scope): Value;
  protected abstract makeFunction(name: string, node: Node, scope: Scope, lambdaBody?: Node): PythonFunction;
  /** The value an `import` of the dotted path binds (`keras.layers` → a module, `keras.layers.Dense` → a layer class). */
  protected abstract importedModule(path: string): Value;

  evaluate(node: Node, scope: Scope): Value {
    if (this.expressionDepth >= this.limits.maxExpressionDepth) return unknown('the expression is nested too deeply to analyse');
    this.expressionDepth++;
    try {
      const value = this.evaluateNode(node, scope);
      return this.directives.size > 0 && (value.kind === 'unknown' || value.kind === 'symint') ? this.pinned(node, value) : value;
    } finally {
      this.expressionDepth--;
    }
  }

  /** What a `# tensor-lens:` directive of the file says an expression it cannot know is, if one does. */
  private pinned(node: Node, value: Value): Value {
    if (!this.module.main || !pinnable.has(node.type)) return value;
    const directive = this.directives.get(compactExpression(node.text));
    if (!directive) return value;
    directive.used = true;
    return directive.value;
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
      case 'unary_operator': {
        const operand = this.evaluate(node.childForFieldName('argument')!, scope);
        const operator = node.childForFieldName('operator')!.text;
        return operand.kind === 'tensor'
          ? this.keras.tensorOperator(operator, operand, undefined, node)
          : unaryOperation(operator, operand);
      }
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
    const module = this.module;
    const value = scope.lookup(name) ?? module.globals.get(name) ?? this.builtins.get(name) ?? this.fromWildcard(name);
    if (value) return value;
    // In a function the file never calls, the globals it reads may be set by the time something calls it.
    if (this.runningUncalled) return unknown(`"${name}" is not defined when the file has run`);
    if (module.assignedAnywhere === null) {
      module.assignedAnywhere = module.root ? collectAssignedNames(module.root, this.deadline) : new Set();
    }
    // Without the file's names in time, which of Python's two errors this is cannot be said: no diagnostic.
    if (module.assignedAnywhere === undefined) return unknown(`"${name}" is not defined before this line`);
    if (module.assignedAnywhere.has(name)) {
      this.graph.report('error', rangeOf(node), `"${name}" is used before assignment`, 'used-before-assignment');
      return { kind: 'unknown', reason: `"${name}" is used before assignment`, reported: true };
    }
    this.graph.report('warning', rangeOf(node), `"${name}" is not defined`, 'undefined-name');
    return { kind: 'unknown', reason: `"${name}" is not defined`, reported: true };
  }

  private fromWildcard(name: string): Value | undefined {
    for (const module of this.module.wildcardModules) {
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
        const conversion = part.namedChildren.find((c) => c?.type === 'type_conversion')?.text;
        const spec = part.namedChildren.find((c) => c?.type === 'format_specifier')?.text.replace(/^:/, '') ?? '';
        const converted = conversion === '!r' ? reprValue(value) : conversion === undefined || conversion === '!s' ? undefined : null;
        const formatted =
          converted === null ? undefined : formatWithSpec(converted === undefined ? value : { kind: 'str', value: converted }, spec);
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
      if (indexNodes[0]!.type !== 'slice') return { kind: 'symint', symbol: node.text };
      const array = valueNode.childForFieldName('object')!.text;
      return unknown(`\`${array}\` is not known, so neither is how many sizes \`${node.text}\` has (${container.reason})`);
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
    // One comparison with a tensor is the op KerasTensor's operator calls (`x > 0`); `==`, `is`, `in` stay Python's.
    const [first, second] = operands;
    if (ops.length === 1 && tensorComparisons.has(ops[0]!) && (first?.kind === 'tensor' || second?.kind === 'tensor')) {
      return this.keras.tensorOperator(ops[0]!, first!, second ?? none, node);
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
    // As a loop, a comprehension has half of the time left: one that takes longer is unknown, and the file goes on.
    const started = performance.now();
    const endsBy = started + (this.deadline - started) / 2;
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
        if (performance.now() > endsBy) {
          lengthUnknown = `a comprehension that takes more time than the analysis has for it is not analysed to its end`;
          return;
        }
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

  /** The items of an iterable, or undefined when they cannot be known. */
  iterate(value: Value): Value[] | undefined {
    return itemsOf(value) ?? arrayLiteralItems(value);
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
