// The keras.ops that take Python callables (core.py: map, vectorized_map, scan, associative_scan, fori_loop,
// while_loop, cond, switch; numpy.py: vectorize; custom_gradient; linalg.py: jvp). The callable is followed on
// placeholder tensors of what the op gives it, as Keras's backend traces it, and the ops it runs become the op's body
// (graph/function-body.ts), which the engine runs as the loop does (src/engine/ops/control-flow.ts).
//
// Two semantics, as in Keras on JAX. On KerasTensors outside any layer, each op's `compute_output_spec` (with its
// quirks: `scan` takes `xs[0]`, `switch` traces its first branch, `while_loop` and `fori_loop` trace nothing, a
// function may use no KerasTensor it is not given). Inside a layer's `call()` and on concrete tensors, the backend's
// jax.lax op, which traces every branch and body and raises where their types differ.

import type { JsonValue, LayerEvaluation } from '../graph/ir.js';
import { bodyArgument, type BodyNode, type BodyRef, type FunctionBody } from '../graph/function-body.js';
import { dependsOnTrace, formatShape, isKnown, symbolic, traceDimension, type Dim, type Shape } from '../graph/shape.js';
import { bindOpArguments } from './keras/ops/bind-arguments.js';
import { opSignature } from './keras/ops/signatures.js';
import { LayerError } from './keras/rule.js';
import { halfPrecisionDtypes, operationCall } from './layer-runtime.js';
import { ModelRuntime } from './model-runtime.js';
import { jsonValue } from './python-values.js';
import { rangeOf } from './python/source-range.js';
import { broadcastShapes } from './tensor-ops.js';
import { type Arguments, type CallSite, none, tuple, unknown, type Value } from './values.js';

/** A value's tensors in order (a dict's by sorted key, as keras.tree flattens it), and the way to put others in their places. */
interface Flat {
  readonly leaves: readonly number[];
  rebuild(tensors: readonly number[]): Value;
}

function flatten(value: Value): Flat | undefined {
  if (value.kind === 'tensor') return { leaves: [value.tensor], rebuild: ([t]) => ({ kind: 'tensor', tensor: t! }) };
  const sequence = value.kind === 'tuple' || value.kind === 'list' ? value.items : undefined;
  const entries =
    value.kind === 'dict' ? [...value.entries].sort(([, a], [, b]) => String(keyOf(a.key)).localeCompare(String(keyOf(b.key)))) : undefined;
  const items = sequence ?? entries?.map(([, e]) => e.value);
  if (!items) return undefined;
  const parts = items.map(flatten);
  if (parts.some((p) => p === undefined)) return undefined;
  const flats = parts as Flat[];
  return {
    leaves: flats.flatMap((p) => p.leaves),
    rebuild(tensors) {
      let offset = 0;
      const rebuilt = flats.map((p) => {
        const part = p.rebuild(tensors.slice(offset, offset + p.leaves.length));
        offset += p.leaves.length;
        return part;
      });
      if (value.kind === 'dict') {
        return { kind: 'dict', entries: new Map(entries!.map(([k, e], i) => [k, { key: e.key, value: rebuilt[i]! }])) };
      }
      return { kind: value.kind as 'tuple' | 'list', items: rebuilt };
    },
  };
}

function keyOf(key: Value): string | number | undefined {
  return key.kind === 'str' || key.kind === 'int' ? key.value : undefined;
}

/** One traced function: its result, and its body or why the engine cannot run it. */
interface Traced {
  readonly result: Value;
  readonly flat: Flat | undefined;
  readonly body: FunctionBody | { readonly refused: string };
}

/** An op call being built: its layer, the call reserved for it (the traced ops are inside it), its tensor inputs. */
interface Building {
  readonly path: string;
  readonly operator: string;
  readonly site: CallSite;
  readonly layer: number;
  readonly call: number;
  /** The tensors the op is given, then those its functions use from outside (captures): the op's inputs. */
  readonly operands: number[];
  /** Keras's compute_output_spec on KerasTensors outside a layer (rather than the backend's op). */
  readonly symbolic: boolean;
  /** Whether a function used a KerasTensor from outside, which Keras's backend cannot trace symbolically. */
  capturedKerasTensor: boolean;
  /** Whether the op takes an auto-name, as an Operation on KerasTensors outside a layer does. */
  readonly named: boolean;
  /** Outside any layer's call(), where a KerasTensor is no value a backend function can take. */
  readonly topLevel: boolean;
}

type Handler = (rt: ControlFlowRuntime, args: ReadonlyMap<string, Value>, site: CallSite) => Value;

export abstract class ControlFlowRuntime extends ModelRuntime {
  /** A call of a keras.ops function that takes callables, by its canonical path. */
  callableOp(path: string, args: Arguments, site: CallSite): Value {
    if (this.floatxNotFollowed) return this.floatxNotFollowed;
    const bound = bindArguments(path, args);
    if ('problem' in bound) return bound.problem;
    return this.raising(site, () => handlers[path]!(this, bound.arguments, site));
  }

  // ---- building one op ------------------------------------------------------------------------------------------

  /** Starts the op's node: its layer (auto-named as Keras names an Operation made on KerasTensors outside a layer). */
  begin(path: string, given: readonly number[], site: CallSite): Building {
    const operator = path.slice(path.lastIndexOf('.') + 1);
    const symbolic = this.traceDepth === 0 && !this.allEager(given);
    const named = this.parent === undefined && symbolic;
    const name = named ? this.graph.names.uniquify(operator) : operator;
    // Keras's Operation class (Map, ForiLoop), whose snake-case name is the op's auto-name; vectorize makes none.
    const className = opSignature(path)?.class ?? 'Operation';
    const range = rangeOf(site.node);
    const layer = this.graph.addLayer(className, name, { name, operator }, range);
    const node = this.graph.layers[layer]!;
    node.params = 0;
    node.operation = operator;
    this.states.set(layer, { unknownArgs: new Map() });
    const call = this.graph.reserveCall(layer, range, this.parent);
    return {
      path,
      operator,
      site,
      layer,
      call,
      operands: [...given],
      symbolic,
      capturedKerasTensor: false,
      named,
      topLevel: this.traceDepth === 0,
    };
  }

  /**
   * The auto-names Keras's compute_output_spec takes by indexing KerasTensors (`t[0]` for each input of map, `xs[0]`
   * of scan): the ops the file makes after it are numbered past them.
   */
  takeIndexingNames(op: Building, count: number): void {
    if (op.named) for (let i = 0; i < count; i++) this.graph.names.uniquify('get_item');
  }

  /** A tensor a function is given: a slice of an input, a loop's state. Outside a layer, None sizes are traced as one size. */
  placeholder(op: Building, shape: Shape, dtype: string): Value {
    const traced = op.symbolic ? shape.map((d): Dim => (d === null ? symbolic(traceDimension) : d)) : shape;
    const reason = `an argument of the function ${op.path} runs: it has values only while the op runs`;
    return { kind: 'tensor', tensor: this.graph.addTensor(traced, dtype, false, undefined, { kind: 'unknown', reason }) };
  }

  /** Follows a function on the values given, inside the op's call; its tensors become the body's arguments. */
  follow(op: Building, fn: Value, given: readonly Value[], argumentTensors: readonly number[]): Traced {
    const firstCall = this.graph.calls.length;
    this.parents.push(op.call);
    this.traceDepth++;
    let result: Value;
    try {
      result = this.interpreter.call(fn, { positional: [...given], keywords: new Map(), keywordNodes: new Map() }, op.site);
    } finally {
      this.traceDepth--;
      this.parents.pop();
    }
    const flat = flatten(result);
    if (!flat) return { result, flat, body: { refused: `its function returns ${describeResult(result)}` } };
    return { result, flat, body: this.bodyOf(op, argumentTensors, flat.leaves, firstCall) };
  }

  /** The ops between the arguments and the outputs, in order; a tensor from before the trace is a capture (an op input). */
  private bodyOf(
    op: Building,
    argumentTensors: readonly number[],
    outputs: readonly number[],
    firstCall: number,
  ): FunctionBody | { refused: string } {
    const nodes: BodyNode[] = [];
    const nodeOf = new Map<number, number>();
    const ref = (tensor: number): BodyRef | string => {
      const argument = argumentTensors.indexOf(tensor);
      if (argument >= 0) return { argument };
      const node = this.graph.tensors[tensor]!;
      const producer = node.producer;
      if (!producer || producer.call < firstCall) {
        if (!node.eager) op.capturedKerasTensor = true;
        if (!op.operands.includes(tensor)) op.operands.push(tensor);
        return { tensor: op.operands.indexOf(tensor) };
      }
      const call = this.graph.calls[producer.call]!;
      if (!nodeOf.has(call.id)) {
        const layer = this.graph.layers[call.layer]!;
        const evaluation = layer.evaluation;
        if (evaluation && 'refused' in evaluation) return `its ${layer.className} '${layer.name}' ${evaluation.refused}`;
        if (evaluation?.className !== 'TensorLensOperation') {
          return `its function calls ${layer.name} (${layer.className}), which the engine does not run inside a loop yet`;
        }
        const inputs: BodyRef[] = [];
        for (const input of call.inputs) {
          const r = ref(input);
          if (typeof r === 'string') return r;
          inputs.push(r);
        }
        nodes.push({ config: evaluation.config ?? layer.config, inputs });
        nodeOf.set(call.id, nodes.length - 1);
      }
      return { node: nodeOf.get(call.id)!, output: producer.index };
    };
    const refs: BodyRef[] = [];
    for (const output of outputs) {
      const r = ref(output);
      if (typeof r === 'string') return { refused: r };
      refs.push(r);
    }
    return { arguments: argumentTensors.length, nodes, outputs: refs };
  }

  /**
   * Completes the op: its outputs (None again for sizes of the trace, outside a layer), its inputs, and how the engine
   * evaluates it: by its kernel with the bodies in `json`, or refused with the reason.
   */
  finish(op: Building, outputs: readonly { shape: Shape; dtype: string }[], json: Record<string, JsonValue>, refused?: string): number[] {
    const eager = !op.symbolic && this.allEager(op.operands);
    const shapes = outputs.map((o) => ({ ...o, shape: op.symbolic ? o.shape.map((d) => (dependsOnTrace(d) ? null : d)) : o.shape }));
    const tensors = shapes.map((o, index) => this.graph.addTensor(o.shape, o.dtype, eager, { call: op.call, index }));
    this.graph.completeCall(op.call, op.operands, false, tensors);
    const halfPrecision = [...op.operands.map((t) => this.graph.tensors[t]!.dtype), ...shapes.map((o) => o.dtype)].find((d) =>
      halfPrecisionDtypes.has(d),
    );
    const why =
      refused ?? (halfPrecision && `on ${halfPrecision} is not evaluated: TensorFlow.js computes in float32, not ${halfPrecision}`);
    const evaluation: LayerEvaluation = why
      ? { refused: `(${op.path}) ${why}` }
      : { className: 'TensorLensOperation', config: { operator: op.operator, call: operationCall(op.path, json, shapes) } };
    this.graph.layers[op.layer]!.evaluation = evaluation;
    return tensors;
  }

  /** The op's result unknown, with the reason, its reserved call left with no outputs. */
  abandon(op: Building, reason: string): Value {
    this.graph.completeCall(op.call, op.operands, false, []);
    this.graph.layers[op.layer]!.evaluation = { refused: `(${op.path}) ${reason}` };
    return unknown(`${op.path}: ${reason}`);
  }

  /** Where a function used a KerasTensor it was not given, Keras's backend cannot trace it: the result is not known. */
  capturedProblem(op: Building): string | undefined {
    return op.topLevel && op.capturedKerasTensor
      ? "its function uses a KerasTensor it is not given, which Keras's backend cannot trace (Keras raises on the JAX backend)"
      : undefined;
  }

  /** Whether these are KerasTensors outside any layer's call (Keras's symbolic call, not the backend's). */
  isTopLevelSymbolic(tensors: readonly number[]): boolean {
    return this.traceDepth === 0 && tensors.length > 0 && !this.allEager(tensors);
  }

  callFunction(fn: Value, args: Arguments, site: CallSite): Value {
    return this.interpreter.call(fn, args, site);
  }

  tensorOf(value: Value | undefined): number | undefined {
    const v = value && this.asTensor(value);
    return v?.kind === 'tensor' ? v.tensor : undefined;
  }

  node(tensor: number): { shape: Shape; dtype: string } {
    const t = this.graph.tensors[tensor]!;
    return { shape: t.shape, dtype: t.dtype };
  }

  json(value: Value): JsonValue | undefined {
    return this.argumentJson(value);
  }

  report(site: CallSite, message: string): Value {
    this.graph.report('error', rangeOf(site.node), message, 'shape-error');
    return { kind: 'unknown', reason: message, reported: true };
  }
}

function describeResult(value: Value): string {
  return value.kind === 'unknown' ? `a value that is not known (${value.reason})` : `a ${value.kind}, not tensors`;
}

/** The arguments by parameter name, as the generated signature binds them; defaults as Python values. */
function bindArguments(path: string, args: Arguments): { arguments: Map<string, Value> } | { problem: Value } {
  const bound = bindOpArguments(path, args);
  if ('problem' in bound) return bound;
  for (const p of opSignature(path)!.parameters) {
    if (bound.given.has(p.name) || p.kind === '*' || p.kind === '**') continue;
    if (p.required) return { problem: unknown(`${path}() is missing its argument \`${p.name}\``) };
    bound.given.set(p.name, jsonValue(p.default ?? null));
  }
  return { arguments: bound.given };
}

// ---- the ops ----------------------------------------------------------------------------------------------------------

/** The leaves of a structure of tensors given to an op, or why it is not analysed. */
function tensorLeaves(rt: ControlFlowRuntime, value: Value | undefined, what: string): { flat: Flat } | { problem: Value } {
  const flat = value && flatten(asTensors(rt, value));
  if (!flat || flat.leaves.length === 0) {
    return { problem: value?.kind === 'unknown' ? value : unknown(`\`${what}\` is not a tensor or a structure of tensors`) };
  }
  return { flat };
}

/** Arrays and Python numbers among a structure made tensors, as Keras converts them. */
function asTensors(rt: ControlFlowRuntime, value: Value): Value {
  const tensor = rt.tensorOf(value);
  if (tensor !== undefined) return { kind: 'tensor', tensor };
  if (value.kind === 'tuple' || value.kind === 'list') return { kind: value.kind, items: value.items.map((v) => asTensors(rt, v)) };
  if (value.kind === 'dict') {
    return { kind: 'dict', entries: new Map([...value.entries].map(([k, e]) => [k, { key: e.key, value: asTensors(rt, e.value) }])) };
  }
  return value;
}

/** Placeholders standing for the given tensors, each with the shape `shapeOf` makes of its own. */
function placeholders(
  rt: ControlFlowRuntime,
  op: Building,
  flat: Flat,
  shapeOf: (shape: Shape) => Shape,
): { value: Value; tensors: number[] } {
  const values = flat.leaves.map((t) => {
    const { shape, dtype } = rt.node(t);
    return rt.placeholder(op, shapeOf(shape), dtype);
  });
  const tensors = values.map((v) => (v as { tensor: number }).tensor);
  return { value: flat.rebuild(tensors), tensors };
}

/** A description of tensors' types, for a message: `(None, 3) float32, (2,) int32`. */
function describeTypes(rt: ControlFlowRuntime, tensors: readonly number[]): string {
  return tensors.map((t) => `${formatShape(rt.node(t).shape)} ${rt.node(t).dtype}`).join(', ');
}

/** Whether two lists of tensors have the same shapes and dtypes. */
function sameTypes(rt: ControlFlowRuntime, a: readonly number[], b: readonly number[]): boolean {
  return (
    a.length === b.length &&
    a.every((t, i) => {
      const x = rt.node(t);
      const y = rt.node(b[i]!);
      return x.dtype === y.dtype && formatShape(x.shape) === formatShape(y.shape);
    })
  );
}

function refusal(traced: Traced): string | undefined {
  return 'refused' in traced.body ? traced.body.refused : undefined;
}

/** `map(f, xs)` and `vectorized_map(function, elements)`: f of each slice along axis 0, stacked. */
function mapOver(fnName: string, xsName: string): Handler {
  return (rt, args, site) => {
    const given = tensorLeaves(rt, args.get(xsName), xsName);
    if ('problem' in given) return given.problem;
    const path = fnName === 'f' ? 'keras.ops.map' : 'keras.ops.vectorized_map';
    const op = rt.begin(path, [...given.flat.leaves], site);
    if (given.flat.leaves.some((t) => rt.node(t).shape.length === 0)) return rt.abandon(op, 'a 0-d tensor has no axis 0 to map over');
    rt.takeIndexingNames(op, given.flat.leaves.length);
    const n = rt.node(given.flat.leaves[0]!).shape[0]!;
    const slices = placeholders(rt, op, given.flat, (shape) => shape.slice(1));
    const traced = rt.follow(op, args.get(fnName)!, [slices.value], slices.tensors);
    const problem = rt.capturedProblem(op);
    if (problem) return rt.abandon(op, problem);
    if (!traced.flat) return rt.abandon(op, refusal(traced)!);
    const sameLength = given.flat.leaves.every((t) => rt.node(t).shape[0] === n);
    const refused = refusal(traced) ?? (sameLength ? undefined : 'maps over inputs of different lengths along axis 0');
    const outputs = traced.flat.leaves.map((t) => ({ shape: [n, ...rt.node(t).shape], dtype: rt.node(t).dtype }));
    const json = { [fnName]: 'refused' in traced.body ? null : bodyArgument(traced.body), [xsName]: tensorRefs(given.flat) };
    return traced.flat.rebuild(rt.finish(op, outputs, json, refused));
  };
}

/** `{tensor: i}` for each leaf, the op's inputs in order. */
function tensorRefs(flat: Flat, offset = 0): JsonValue {
  return flat.leaves.map((_, i) => ({ tensor: offset + i }));
}

/** `scan(f, init, xs=None, length=None, reverse=False, unroll=1)`: the carry through f, and f's second output stacked. */
const scan: Handler = (rt, args, site) => {
  const init = tensorLeaves(rt, args.get('init'), 'init');
  if ('problem' in init) return init.problem;
  const xsValue = args.get('xs')!;
  const xs = xsValue.kind === 'none' ? undefined : tensorLeaves(rt, xsValue, 'xs');
  if (xs && 'problem' in xs) return xs.problem;
  const length = args.get('length')!;
  if (length.kind !== 'none' && length.kind !== 'int') return unknown('the `length` of this scan is not known');
  for (const name of ['reverse', 'unroll'])
    if (rt.json(args.get(name)!) === undefined) return unknown(`the \`${name}\` of this scan is not known`);
  const op = rt.begin('keras.ops.scan', [...init.flat.leaves, ...(xs?.flat.leaves ?? [])], site);
  if (!xs && length.kind === 'none') return rt.abandon(op, 'has neither `xs` nor `length`: Keras raises');
  const leading = xs ? rt.node(xs.flat.leaves[0]!).shape[0] : undefined;
  if (xs && leading === undefined) return rt.abandon(op, 'a 0-d `xs` has no axis 0 to scan over');
  const n: Dim = length.kind === 'int' ? length.value : leading!;
  const carry = placeholders(rt, op, init.flat, (s) => s);
  // Keras's symbolic scan gives f `xs[0]`: the first slice of a tensor, but the first item of a list of tensors.
  const listQuirk = op.symbolic && xs !== undefined && xsValue.kind !== 'tensor' && rt.tensorOf(xsValue) === undefined;
  if (xs && !listQuirk) rt.takeIndexingNames(op, 1);
  let x: { value: Value; tensors: number[] } = { value: none, tensors: [] };
  if (xs && listQuirk) {
    const first = flatten(asTensors(rt, (xsValue as { items: readonly Value[] }).items?.[0] ?? none));
    if (!first) return rt.abandon(op, '`xs` has no first item Tensor Lens can read');
    x = placeholders(rt, op, first, (s) => s);
  } else if (xs) x = placeholders(rt, op, xs.flat, (s) => s.slice(1));
  const traced = rt.follow(op, args.get('f')!, [carry.value, x.value], [...carry.tensors, ...x.tensors]);
  const problem = rt.capturedProblem(op);
  if (problem) return rt.abandon(op, problem);
  const pair = traced.result.kind === 'tuple' || traced.result.kind === 'list' ? traced.result.items : undefined;
  if (!pair || pair.length !== 2) return rt.abandon(op, 'its function does not return a pair (carry, y)');
  const newCarry = flatten(pair[0]!);
  const y = flatten(pair[1]!);
  if (!newCarry || !y) return rt.abandon(op, refusal(traced) ?? 'its function returns values that are not tensors');
  if (op.symbolic && pair[1]!.kind !== 'tensor')
    return rt.abandon(op, "Keras's symbolic scan takes one tensor as y (it raises on a structure)");
  const carryMatches = sameTypes(rt, newCarry.leaves, carry.tensors);
  if (!op.symbolic && !carryMatches) {
    return rt.abandon(
      op,
      `its function returns the carry as ${describeTypes(rt, newCarry.leaves)}, not as given (${describeTypes(rt, carry.tensors)})`,
    );
  }
  const refused =
    refusal(traced) ??
    (listQuirk ? "Keras's symbolic scan traces a list `xs` by its first item, not by its first slices as the scan runs" : undefined) ??
    (carryMatches ? undefined : 'changes the type of its carry, which the loop cannot run');
  const outputs = [
    ...newCarry.leaves.map((t) => rt.node(t)),
    ...y.leaves.map((t) => ({ shape: [n, ...rt.node(t).shape], dtype: rt.node(t).dtype })),
  ];
  const json: Record<string, JsonValue> = {
    f: 'refused' in traced.body ? null : bodyArgument(traced.body),
    init: tensorRefs(init.flat),
    xs: xs ? tensorRefs(xs.flat, init.flat.leaves.length) : null,
    length: length.kind === 'int' ? length.value : null,
    reverse: rt.json(args.get('reverse')!)!,
    carry: newCarry.leaves.length,
  };
  const tensors = rt.finish(op, outputs, json, refused);
  return tuple([newCarry.rebuild(tensors.slice(0, newCarry.leaves.length)), y.rebuild(tensors.slice(newCarry.leaves.length))]);
};

/** `associative_scan(f, elems, reverse=False, axis=0)`: f folded along the axis; every output has the first elem's shape. */
const associativeScan: Handler = (rt, args, site) => {
  const elems = tensorLeaves(rt, args.get('elems'), 'elems');
  if ('problem' in elems) return elems.problem;
  const axisValue = args.get('axis')!;
  if (axisValue.kind !== 'int') return unknown('the `axis` of this associative_scan is not known');
  if (rt.json(args.get('reverse')!) === undefined) return unknown('the `reverse` of this associative_scan is not known');
  const shapes = elems.flat.leaves.map((t) => rt.node(t).shape);
  const axisOf = (shape: Shape) => (axisValue.value < 0 ? shape.length + axisValue.value : axisValue.value);
  if (shapes.some((s) => axisOf(s) < 0 || axisOf(s) >= s.length)) return unknown(`axis ${axisValue.value} is out of range of the elems`);
  const lengths = shapes.map((s) => s[axisOf(s)]!);
  if (lengths.every(isKnown) && new Set(lengths).size > 1) {
    throw new LayerError(
      `Array inputs to associative_scan must have the same first dimension. (saw: [${shapes.map(formatShape).join(', ')}])`,
    );
  }
  const op = rt.begin('keras.ops.associative_scan', [...elems.flat.leaves], site);
  rt.takeIndexingNames(op, elems.flat.leaves.length);
  const slice = (shape: Shape): Shape => shape.map((d, i) => (i === axisOf(shape) ? 1 : d));
  const a = placeholders(rt, op, elems.flat, slice);
  const b = placeholders(rt, op, elems.flat, slice);
  const traced = rt.follow(op, args.get('f')!, [a.value, b.value], [...a.tensors, ...b.tensors]);
  const problem = rt.capturedProblem(op);
  if (problem) return rt.abandon(op, problem);
  if (!traced.flat) return rt.abandon(op, refusal(traced)!);
  const first = shapes[0]!;
  const refused =
    refusal(traced) ??
    (shapes.every((s) => formatShape(s) === formatShape(first))
      ? undefined
      : "gives every output the first elem's shape, as Keras's symbolic call does") ??
    (sameTypes(rt, traced.flat.leaves, a.tensors) ? undefined : 'has a function whose result is not of its arguments’ types');
  const outputs = traced.flat.leaves.map((t) => ({ shape: first, dtype: rt.node(t).dtype }));
  const json = {
    f: 'refused' in traced.body ? null : bodyArgument(traced.body),
    elems: tensorRefs(elems.flat),
    reverse: rt.json(args.get('reverse')!)!,
    axis: axisValue.value,
  };
  return traced.flat.rebuild(rt.finish(op, outputs, json, refused));
};

/** A loop's state: the loop variables as the body gets them (positionally where `loop_vars` is a tuple or list). */
function loopState(rt: ControlFlowRuntime, value: Value | undefined, what: string) {
  return tensorLeaves(rt, value, what);
}

/** `fori_loop(lower, upper, body_fun, init_val)`: the state through body_fun(i, state) for i in [lower, upper). */
const foriLoop: Handler = (rt, args, site) => {
  const init = loopState(rt, args.get('init_val'), 'init_val');
  if ('problem' in init) return init.problem;
  const bounds: ({ tensor: number } | { int: number })[] = [];
  for (const name of ['lower', 'upper']) {
    const value = args.get(name)!;
    const tensor = rt.tensorOf(value);
    if (value.kind === 'int') bounds.push({ int: value.value });
    else if (tensor !== undefined) bounds.push({ tensor });
    else return unknown('the bounds of this fori_loop are not known');
  }
  const boundTensors = bounds.flatMap((b) => ('tensor' in b ? [b.tensor] : []));
  const op = rt.begin('keras.ops.fori_loop', [...init.flat.leaves, ...boundTensors], site);
  const initValue = args.get('init_val')!;
  if (op.symbolic && initValue.kind !== 'tensor' && rt.tensorOf(initValue) === undefined) {
    return rt.abandon(op, "Keras's symbolic fori_loop takes one tensor as init_val (it raises on a structure)");
  }
  const state = placeholders(rt, op, init.flat, (s) => s);
  const i = rt.placeholder(op, [], 'int32');
  const iTensor = (i as { tensor: number }).tensor;
  const traced = rt.follow(op, args.get('body_fun')!, [i, state.value], [iTensor, ...state.tensors]);
  return finishLoop(rt, op, init.flat, state.tensors, traced, 'body_fun', {
    init_val: tensorRefs(init.flat),
    lower: boundJson(bounds[0]!, init.flat.leaves.length, boundTensors),
    upper: boundJson(bounds[1]!, init.flat.leaves.length, boundTensors),
  });
};

function boundJson(bound: { tensor: number } | { int: number }, offset: number, tensors: readonly number[]): JsonValue {
  return 'int' in bound ? bound.int : { tensor: offset + tensors.indexOf(bound.tensor) };
}

/**
 * The loop's outputs: its state's types. Where the body returns other types, Keras's symbolic call still gives the
 * state's (values refused); JAX's loop raises.
 */
function finishLoop(
  rt: ControlFlowRuntime,
  op: Building,
  init: Flat,
  state: readonly number[],
  traced: Traced,
  bodyName: string,
  json: Record<string, JsonValue>,
  extraRefusal?: string,
): Value {
  const problem = rt.capturedProblem(op);
  if (problem) return rt.abandon(op, problem);
  const matches = traced.flat !== undefined && sameTypes(rt, traced.flat.leaves, state);
  if (!op.symbolic && traced.flat && !matches) {
    return rt.abandon(op, `its body returns ${describeTypes(rt, traced.flat.leaves)}, not the loop's state (${describeTypes(rt, state)})`);
  }
  if (!op.symbolic && !traced.flat) return rt.abandon(op, refusal(traced)!);
  const refused = extraRefusal ?? refusal(traced) ?? (matches ? undefined : "has a body that does not return the loop's state");
  const outputs = init.leaves.map((t) => rt.node(t));
  const body = 'refused' in traced.body ? null : bodyArgument(traced.body);
  return init.rebuild(rt.finish(op, outputs, { ...json, [bodyName]: body }, refused));
}

/** `while_loop(cond, body, loop_vars, maximum_iterations=None)`: the state through body while cond holds. */
const whileLoop: Handler = (rt, args, site) => {
  const loopVars = args.get('loop_vars')!;
  const init = loopState(rt, loopVars, 'loop_vars');
  if ('problem' in init) return init.problem;
  const maximum = args.get('maximum_iterations')!;
  if (maximum.kind !== 'none' && maximum.kind !== 'int') return unknown('the `maximum_iterations` of this while_loop is not known');
  const op = rt.begin('keras.ops.while_loop', [...init.flat.leaves], site);
  const state = placeholders(rt, op, init.flat, (s) => s);
  // Keras's backend passes a tuple or list of loop variables positionally, anything else as one argument.
  const positional = loopVars.kind === 'tuple' || loopVars.kind === 'list';
  const given = positional ? (state.value as { items: readonly Value[] }).items : [state.value];
  const condition = rt.follow(op, args.get('cond')!, given, state.tensors);
  const traced = rt.follow(op, args.get('body')!, given, state.tensors);
  const conditionTensor = condition.flat?.leaves.length === 1 ? condition.flat.leaves[0]! : undefined;
  const conditionProblem =
    refusal(condition) ??
    (conditionTensor !== undefined && rt.node(conditionTensor).shape.length === 0
      ? undefined
      : 'has a condition that is not a scalar tensor');
  // The body of a single loop variable returns it as is; of a tuple, a tuple the loop compares item by item.
  return finishLoop(
    rt,
    op,
    init.flat,
    state.tensors,
    traced,
    'body',
    {
      loop_vars: tensorRefs(init.flat),
      cond: 'refused' in condition.body ? null : bodyArgument(condition.body),
      maximum_iterations: maximum.kind === 'int' ? maximum.value : null,
    },
    conditionProblem,
  );
};

/** `cond(pred, true_fn, false_fn)`: both functions traced, their results of one kind; the engine runs the one pred picks. */
const cond: Handler = (rt, args, site) => {
  const predValue = args.get('pred')!;
  const predTensor = rt.tensorOf(predValue);
  const predJson = predTensor === undefined ? rt.json(predValue) : undefined;
  if (predTensor === undefined && (predJson === undefined || typeof predJson === 'object')) {
    return unknown('the `pred` of this cond is not known');
  }
  const op = rt.begin('keras.ops.cond', predTensor === undefined ? [] : [predTensor], site);
  const branches = ['true_fn', 'false_fn'].map((name) => rt.follow(op, args.get(name)!, [], []));
  const problem = rt.capturedProblem(op);
  if (problem) return rt.abandon(op, problem);
  const [whenTrue, whenFalse] = branches as [Traced, Traced];
  if (!whenTrue.flat || !whenFalse.flat) return rt.abandon(op, (refusal(whenTrue) ?? refusal(whenFalse))!);
  if (!sameTypes(rt, whenTrue.flat.leaves, whenFalse.flat.leaves)) {
    const message =
      '`true_fn` and `false_fn` should return outputs of the same kind (struct, dtype and shape). ' +
      `Got ${describeTypes(rt, whenTrue.flat.leaves)} and ${describeTypes(rt, whenFalse.flat.leaves)} instead.`;
    // Keras checks it itself on KerasTensors; inside a layer, JAX raises and TensorFlow relaxes the shapes.
    if (op.symbolic) {
      rt.abandon(op, message);
      return rt.report(site, message);
    }
    return rt.abandon(
      op,
      `its branches give ${describeTypes(rt, whenTrue.flat.leaves)} and ${describeTypes(rt, whenFalse.flat.leaves)}: JAX raises, TensorFlow relaxes the shapes`,
    );
  }
  const outputs = whenTrue.flat.leaves.map((t) => rt.node(t));
  const json = {
    pred: predTensor === undefined ? predJson! : { tensor: 0 },
    true_fn: 'refused' in whenTrue.body ? null : bodyArgument(whenTrue.body),
    false_fn: 'refused' in whenFalse.body ? null : bodyArgument(whenFalse.body),
  };
  return whenTrue.flat.rebuild(rt.finish(op, outputs, json, refusal(whenTrue) ?? refusal(whenFalse)));
};

/** `switch(index, branches, *operands)`: the branch index picks (clamped), on the operands; Keras's spec is the first's. */
const switchOp: Handler = (rt, args, site) => {
  const operands = tensorLeaves(rt, args.get('operands'), 'operands');
  if ('problem' in operands) return operands.problem;
  const branchesValue = args.get('branches')!;
  const fns = branchesValue.kind === 'list' || branchesValue.kind === 'tuple' ? branchesValue.items : undefined;
  if (!fns || fns.length === 0) return unknown('the `branches` of this switch are not known');
  const indexValue = args.get('index')!;
  const indexTensor = rt.tensorOf(indexValue);
  if (indexTensor === undefined && indexValue.kind !== 'int') return unknown('the `index` of this switch is not known');
  const op = rt.begin('keras.ops.switch', [...operands.flat.leaves, ...(indexTensor === undefined ? [] : [indexTensor])], site);
  const given = placeholders(rt, op, operands.flat, (s) => s);
  const items = (given.value as { items: readonly Value[] }).items;
  const traced = fns.map((fn) => rt.follow(op, fn, items, given.tensors));
  const problem = rt.capturedProblem(op);
  if (problem) return rt.abandon(op, problem);
  const first = traced[0]!;
  if (!first.flat) return rt.abandon(op, refusal(first)!);
  const differing = traced.find((t) => !t.flat || !sameTypes(rt, t.flat.leaves, first.flat!.leaves));
  if (differing && !op.symbolic) return rt.abandon(op, 'its branches give results of different types: JAX raises');
  const refused =
    traced.map(refusal).find((r) => r !== undefined) ??
    (differing ? "has branches of other types than its first, whose type Keras's symbolic call gives" : undefined);
  const outputs = first.flat.leaves.map((t) => rt.node(t));
  const json = {
    index: indexTensor === undefined ? (indexValue as { value: number }).value : { tensor: operands.flat.leaves.length },
    branches: refused ? null : traced.map((t) => bodyArgument(t.body as FunctionBody)),
    operands: tensorRefs(operands.flat),
  };
  return first.flat.rebuild(rt.finish(op, outputs, json, refused));
};

/** `jvp(fun, primals, tangents, has_aux=False)`: fun's outputs, and tangents of their types; derivatives are not evaluated. */
const jvp: Handler = (rt, args, site) => {
  const primalsValue = args.get('primals')!;
  const primals = tensorLeaves(rt, primalsValue, 'primals');
  if ('problem' in primals) return primals.problem;
  const tangents = tensorLeaves(rt, args.get('tangents'), 'tangents');
  if ('problem' in tangents) return tangents.problem;
  const hasAux = args.get('has_aux')!;
  if (hasAux.kind !== 'bool') return unknown('the `has_aux` of this jvp is not known');
  if (primalsValue.kind !== 'tuple' && primalsValue.kind !== 'list') return unknown('`primals` is not a tuple or list of arguments');
  const op = rt.begin('keras.ops.jvp', [...primals.flat.leaves, ...tangents.flat.leaves], site);
  const given = placeholders(rt, op, primals.flat, (s) => s);
  const traced = rt.follow(op, args.get('fun')!, (given.value as { items: readonly Value[] }).items, given.tensors);
  const problem = rt.capturedProblem(op);
  if (problem) return rt.abandon(op, problem);
  const pair = hasAux.value && (traced.result.kind === 'tuple' || traced.result.kind === 'list') ? traced.result.items : undefined;
  if (hasAux.value && pair?.length !== 2) return rt.abandon(op, 'its function does not return a pair (output, aux)');
  const outputValue = pair ? pair[0]! : traced.result;
  const out = flatten(outputValue);
  const aux = pair ? flatten(pair[1]!) : undefined;
  if (!out || (pair && !aux)) return rt.abandon(op, refusal(traced) ?? 'its function returns values that are not tensors');
  const outputs = [...out.leaves, ...out.leaves, ...(aux?.leaves ?? [])].map((t) => rt.node(t));
  const tensors = rt.finish(op, outputs, {}, 'computes a derivative, which the engine does not');
  const n = out.leaves.length;
  const result = [out.rebuild(tensors.slice(0, n)), out.rebuild(tensors.slice(n, 2 * n))];
  if (aux) result.push(aux.rebuild(tensors.slice(2 * n)));
  return tuple(result);
};

/** `vectorize(pyfunc, excluded=None, signature=None)`: a function that broadcasts its arguments and maps pyfunc over every element. */
const vectorize: Handler = (rt, args) => {
  const pyfunc = args.get('pyfunc')!;
  const excluded = args.get('excluded')!;
  const signature = args.get('signature')!;
  if (signature.kind !== 'none') return unknown('keras.ops.vectorize with a `signature` is not analysed');
  if (excluded.kind !== 'none') return unknown('keras.ops.vectorize with `excluded` arguments is not analysed');
  return {
    kind: 'builtin',
    name: 'vectorized',
    call: (callArgs, site) => {
      if (callArgs.keywords.size > 0) return unknown('a vectorized function called with keywords is not analysed');
      const leaves = callArgs.positional.map((v) => rt.tensorOf(v));
      if (leaves.some((t) => t === undefined)) return unknown('a vectorized function called on values that are not tensors');
      const tensors = leaves as number[];
      const op = rt.begin('keras.ops.vectorize', tensors, site);
      if (op.symbolic) return rt.abandon(op, "Keras's JAX backend cannot call a vectorized function on KerasTensors (it raises)");
      const scalars = tensors.map((t) => rt.placeholder(op, [], rt.node(t).dtype));
      const scalarTensors = scalars.map((s) => (s as { tensor: number }).tensor);
      const traced = rt.follow(op, pyfunc, scalars, scalarTensors);
      if (!traced.flat) return rt.abandon(op, refusal(traced)!);
      const broadcast = tensors.map((t) => rt.node(t).shape).reduce((a, b) => broadcastShapes(a, b));
      const outputs = traced.flat.leaves.map((t) => ({ shape: [...broadcast, ...rt.node(t).shape], dtype: rt.node(t).dtype }));
      const elementwise = traced.flat.leaves.every((t) => rt.node(t).shape.length === 0);
      const refused = refusal(traced) ?? (elementwise ? undefined : 'has a function that returns more than a scalar per element');
      const json = { pyfunc: 'refused' in traced.body ? null : bodyArgument(traced.body), args: tensors.map((_, i) => ({ tensor: i })) };
      return traced.flat.rebuild(rt.finish(op, outputs, json, refused));
    },
  };
};

/** `custom_gradient(f)`: a function whose result is f's first output (its gradient is not what Tensor Lens shows). */
const customGradient: Handler = (rt, args) => {
  const f = args.get('f')!;
  return {
    kind: 'builtin',
    name: 'custom_gradient',
    call: (callArgs, site) => {
      const tensors = [...callArgs.positional, ...callArgs.keywords.values()].flatMap((v) => flatten(asTensors(rt, v))?.leaves ?? []);
      if (rt.isTopLevelSymbolic(tensors)) {
        return unknown("Keras's JAX backend cannot call a custom_gradient function on KerasTensors (it raises)");
      }
      const result = rt.callFunction(f, callArgs, site);
      const pair = result.kind === 'tuple' || result.kind === 'list' ? result.items : undefined;
      if (!pair || pair.length !== 2) return unknown('a custom_gradient function must return a pair (output, grad_fn)');
      return pair[0]!;
    },
  };
};

const handlers: Readonly<Record<string, Handler>> = {
  'keras.ops.map': mapOver('f', 'xs'),
  'keras.ops.vectorized_map': mapOver('function', 'elements'),
  'keras.ops.scan': scan,
  'keras.ops.associative_scan': associativeScan,
  'keras.ops.fori_loop': foriLoop,
  'keras.ops.while_loop': whileLoop,
  'keras.ops.cond': cond,
  'keras.ops.switch': switchOp,
  'keras.ops.jvp': jvp,
  'keras.ops.vectorize': vectorize,
  'keras.ops.custom_gradient': customGradient,
};

export const callableOpPaths: readonly string[] = Object.keys(handlers);
