// Keras layers for the interpreter: making a layer from its registry entry and
// the file's arguments, calling it on tensors through its rule, and the tensor
// operations written in Python (`x + y`, `x[:, 0]`), as Keras 3 does it.

import type { ArraySource, JsonValue, LayerEvaluation, LayerNode, SourceRange } from '../graph/ir.js';
import { encodeOperationCall } from '../graph/operation-config.js';
import { formatShape, isKnown, isSymbolic, sameDim, sameShape, type Dim, type Shape } from '../graph/shape.js';
import type { GraphBuilder } from './graph-builder.js';
import { rangeOf } from './python/source-range.js';
import { arrayLiteralJson } from './keras/functions/array-literals.js';
import { dtypePolicyName, dtypePolicyObject } from './keras/functions/dtype-policies.js';
import { isOperand, OpNotKnown, type OpArgument, type Operand, type OpOutput, type OpResult, type OpRule } from './keras/ops/op-rule.js';
import { bindOpArguments } from './keras/ops/bind-arguments.js';
import { eagerUnaryDtype, opSignature } from './keras/ops/signatures.js';
import { opRules } from './keras/functions/ops.js';
import { autoNamesTaken, type AutoNameMoment } from './keras/layer-auto-names.js';
import { layerEntry, constructorParameters, type LayerEntry } from './keras/registry.js';
import {
  type CallArguments,
  LayerError,
  type InnerEvaluation,
  type InputSpec,
  type LayerConfig,
  type LayerOutput,
  type LayerRule,
  nonTrainableOf,
  restoredOf,
  type RuleContext,
  shapeNeutralArgument,
} from './keras/rule.js';
import { computeDtype, isQuantizedPolicy, pythonRepr } from './keras/rules/util.js';
import type { Node } from './python/parser.js';
import { shapeArgument } from './shape-argument.js';
import { indexToJson, sliceShape } from './tensor-ops.js';
import {
  type Arguments,
  type CallSite,
  int,
  isSequence,
  none,
  type PythonClass,
  type PythonFunction,
  type PythonObject,
  str,
  tuple,
  unknown,
  type Value,
} from './values.js';

export interface LayerState {
  readonly entry?: LayerEntry;
  /** Arguments whose values the analysis does not know, with the reason. */
  readonly unknownArgs: Map<string, string>;
  /** Keras's error where the constructor raises, reported there: the layer is never made, so its calls give nothing. */
  readonly constructionError?: string;
  /** From `input_shape=`/`input_dim=`/`batch_input_shape=`: where a Sequential starts. */
  readonly inputShape?: Shape;
  built?: InputSpec;
  /** A Python function given as the `activation` of a layer that applies it last: followed on each call's output. */
  readonly activation?: { readonly fn: Value; readonly site: CallSite };
  /** Set by `layer.build(shape)`: its weights are made, and its first call does not make them again. */
  builtExplicitly?: boolean;
  object?: PythonObject;
  /** The Python function a Lambda calls, with its `arguments` and `output_shape` as the file gives them. */
  readonly followed?: FollowedFunction;
  /** Constructor arguments that are (or hold) sizes known only at run time, with the size's text. */
  readonly runTimeSizes?: ReadonlyMap<string, string>;
}

export interface FollowedFunction {
  readonly fn: Value;
  readonly arguments?: Value;
  readonly outputShape?: Value;
}

export type TensorValue = Extract<Value, { kind: 'tensor' }>;
export type UnknownValue = Extract<Value, { kind: 'unknown' }>;

/** What the Keras runtime needs of the interpreter: the graph it records into, and running the file's own functions. */
export interface RuntimeHost {
  readonly graph: GraphBuilder;
  invoke(fn: PythonFunction, args: Arguments, self: Value | undefined): Value;
  /** Calls any callable value as Python would (a function, a builtin, a bound method, a class). */
  call(callee: Value, args: Arguments, site: CallSite): Value;
  classAttribute(cls: PythonClass, name: string): Value | undefined;
  iterate(value: Value): Value[] | undefined;
  /** A name of an API Tensor Lens models, by its dotted path (`keras.ops.multiply`). */
  api(path: string): Value;
  /** The file a path the code opens names, found as Python would (src/analysis/modules/data-files.ts): str, none or unknown. */
  dataFile(path: string): Value;
}

/**
 * The layers whose `__init__` replaces `dtype=None` by a dtype of its own (for their config as made), so that the global
 * policy does not reach them: Hashing takes int64 or floatx, HashedCrossing int64 for integer output.
 */
const choosesItsOwnDtype: Readonly<Record<string, (config: LayerConfig) => boolean>> = {
  Hashing: () => true,
  HashedCrossing: (config) => config['output_mode'] === 'int',
};

/** keras.backend.is_float_dtype. */
export function isFloatDtype(dtype: string): boolean {
  return dtype.startsWith('float') || dtype === 'bfloat16';
}

/** keras.config.set_floatx's accepted dtypes. */
const floatxDtypes = ['bfloat16', 'float16', 'float32', 'float64'];

export abstract class LayerRuntime {
  protected readonly states = new Map<number, LayerState>();
  protected readonly parents: (number | undefined)[] = [undefined];
  /** keras.config.image_data_format() as the file last set it: a str, or unknown when it set a value not known. */
  private imageDataFormat: Value = str('channels_last');
  /** The global dtype policy (keras.config.set_dtype_policy) as the file last set it: its name, or unknown. */
  private globalPolicy: string | Value = 'float32';
  /** Why nothing after it is analysed: a keras.config.set_floatx to another dtype than float32, which is not modelled. */
  protected floatxNotFollowed: Value | undefined;
  /**
   * Keras's AutocastScope inside the call of a layer whose policy is mixed: the dtype its float variables are read in
   * (a variable used in an op is cast to it first), or undefined outside such a call.
   */
  protected autocastScope: string | undefined;
  /** How many layer calls are being traced: Keras's JAX backend traces a layer's call() once, nested layers within it. */
  protected traceDepth = 0;

  constructor(protected readonly interpreter: RuntimeHost) {}

  protected get graph() {
    return this.interpreter.graph;
  }

  protected get parent(): number | undefined {
    return this.parents.at(-1);
  }

  // ---- layers --------------------------------------------------------------

  createLayer(className: string, args: Arguments, site: CallSite): Value {
    if (this.floatxNotFollowed) return this.floatxNotFollowed;
    const spec = layerEntry(className)!;
    const range = rangeOf(site.node);
    const config: Record<string, JsonValue> = {};
    const unknownArgs = new Map<string, string>();
    const given = new Map<string, Value>();
    /** The arguments that are (or hold) sizes known only at run time (`x_train.shape[1]`), by the text of the size. */
    const runTimeSizes = new Map<string, string>();
    const set = (key: string, value: Value): void => {
      given.set(key, value);
      const size = runTimeSize(value);
      if (size !== undefined) runTimeSizes.set(key, size);
      // A DTypePolicy object given as `dtype` is its name, as a string given there is.
      const policy = key === 'dtype' ? dtypePolicyName(value) : undefined;
      const json = policy ?? this.toJson(value);
      if (json === undefined) unknownArgs.set(key, unreadableReason(value));
      config[key] = json ?? null;
    };
    const signature = constructorParameters(spec);
    const { positional } = signature;
    /** Where the file gives a constructor argument, by parameter name. */
    const argumentRange = (parameter: string | undefined): SourceRange | undefined => {
      if (parameter === undefined) return undefined;
      const node = args.keywordNodes.get(parameter) ?? args.positionalNodes?.[positional.findIndex((p) => p.name === parameter)];
      return node ? rangeOf(node) : undefined;
    };
    args.positional.forEach((value, i) => {
      const parameter = positional[i];
      if (parameter) set(parameter.name, value);
    });
    if (args.positional.length > positional.length) {
      this.graph.report(
        'error',
        range,
        `${className}.__init__() takes ${positional.length + 1} positional arguments but ${args.positional.length + 1} were given`,
        'wrong-arguments',
      );
    }
    const unrecognized: string[] = [];
    let inputShape: Shape | undefined;
    let name: string | undefined;
    for (const [key, value] of args.keywords) {
      if (signature.named.has(key)) {
        if (key === 'name' && value.kind === 'str') name = value.value;
        set(key, value);
      } else if (spec.kwargsKeywords.has(key)) {
        if (key === 'name' && value.kind === 'str') name = value.value;
        else if (key === 'input_shape') inputShape = [null, ...(shapeArgument(value) ?? [])];
        else if (key === 'input_dim' && value.kind === 'int') inputShape = [null, value.value];
        else if (key === 'batch_input_shape') inputShape = shapeArgument(value);
        else set(key, value);
      } else {
        unrecognized.push(`'${key}': ${pythonRepr(this.toJson(value) ?? null)}`);
        const keywordNode = args.keywordNodes.get(key);
        this.graph.report(
          'error',
          keywordNode ? rangeOf(keywordNode) : range,
          signature.takesKwargs
            ? `Unrecognized keyword arguments passed to ${className}: {${unrecognized.at(-1)}}`
            : `${className}.__init__() got an unexpected keyword argument '${key}'`,
          'unknown-keyword',
        );
      }
    }
    const missing = positional.filter((p) => p.required && !(p.name in config)).map((p) => `'${p.name}'`);
    if (missing.length > 0) {
      const list = missing.length === 1 ? missing[0] : `${missing.slice(0, -1).join(', ')} and ${missing.at(-1)}`;
      this.graph.report(
        'error',
        range,
        `${className}.__init__() missing ${missing.length} required positional argument${missing.length > 1 ? 's' : ''}: ${list}`,
        'missing-argument',
      );
      for (const p of missing) unknownArgs.set(p.slice(1, -1), 'the argument is missing');
    }
    for (const parameter of signature.defaults) if (!(parameter.name in config)) config[parameter.name] = parameter.default ?? null;
    // A layer given no dtype takes the global dtype policy when it is made.
    if ((config['dtype'] ?? null) === null) {
      const policy = this.layerPolicy(className, config);
      if (policy !== undefined) set('dtype', policy);
    }
    // Keras resolves `data_format=None` to keras.config.image_data_format() when the layer is made.
    if (signature.takesDataFormat && (config['data_format'] ?? null) === null && !isChannelsLast(this.imageDataFormat)) {
      set('data_format', this.imageDataFormat);
    }
    let normalized: LayerConfig = config;
    let constructionError: string | undefined;
    try {
      normalized = spec.rule?.normalize?.(config) ?? config;
    } catch (error) {
      if (!(error instanceof LayerError)) throw error;
      const [sized, size] = sizeBehind(runTimeSizes, error.argument) ?? [];
      // What Keras would say of the size known at run time cannot be said; the layer's outputs depend on it.
      if (sized !== undefined) unknownArgs.set(sized, `${size} is a size known only at run time`);
      else if (unknownArgs.size === 0) {
        this.graph.report('error', argumentRange(error.argument) ?? range, error.message, 'invalid-argument');
        constructionError = error.message;
      }
    }
    // A function the layer applies to its result last is followed there: the config names it, the engine runs linear.
    const activationFn = given.get('activation');
    const followedActivation = spec.rule?.activatesLast && activationFn?.kind === 'function' ? activationFn : undefined;
    if (followedActivation?.kind === 'function') {
      unknownArgs.delete('activation');
      config['activation'] = followedActivation.fn.name;
    }
    const layerName = name ?? this.graph.names.autoName(className);
    const full = { name: layerName, trainable: true, dtype: config['dtype'] ?? null, ...normalized };
    this.takeAutoNames(className, full, 'construct');
    if (className === 'Bidirectional') this.nameWrappedLayers(full);
    const id = this.graph.addLayer(className, layerName, full, range);
    if (spec.rule?.unsupported) {
      this.graph.report(
        'information',
        range,
        `${className}: ${spec.rule.unsupported} Tensors after it are not analysed.`,
        'unsupported-layer',
      );
    }
    const evaluation = spec.rule?.evaluation?.(full, innerEvaluation);
    if (evaluation) this.graph.layers[id]!.evaluation = evaluation;
    if (followedActivation && !(evaluation && 'refused' in evaluation)) {
      this.graph.layers[id]!.evaluation = {
        className: evaluation?.className ?? className,
        config: { ...(evaluation?.config ?? full), activation: 'linear' },
      };
    }
    // An activation or initializer the analysis cannot read changes no shape, but the engine would run the default.
    const valueArgument = [...unknownArgs].find(([key]) => valueChangingArgument.test(key));
    if (valueArgument && !('refused' in (this.graph.layers[id]!.evaluation ?? {}))) {
      this.graph.layers[id]!.evaluation = { refused: `is not evaluated: its \`${valueArgument[0]}\` is not known (${valueArgument[1]})` };
    }
    // The engine gives such sizes the size it gives None, and says so.
    if (runTimeSizes.size > 0) this.graph.layers[id]!.runTimeSizes = Object.fromEntries(runTimeSizes);
    const followed = spec.rule?.followsFunction;
    const fn = followed === undefined ? undefined : given.get(followed);
    if (followed !== undefined) {
      // The function and what the call passes it are followed as Python values, not read as config.
      for (const key of [followed, 'arguments', 'output_shape']) unknownArgs.delete(key);
    }
    this.states.set(id, {
      entry: spec,
      unknownArgs,
      runTimeSizes,
      ...(inputShape ? { inputShape } : {}),
      ...(constructionError ? { constructionError } : {}),
      ...(fn ? { followed: { fn, arguments: given.get('arguments'), outputShape: given.get('output_shape') } } : {}),
      ...(followedActivation ? { activation: { fn: followedActivation, site } } : {}),
    });
    return { kind: 'layer', layer: id };
  }

  /** Keras names the two copies inside Bidirectional `forward_<name>` and `backward_<name>`. */
  protected nameWrappedLayers(config: Record<string, JsonValue>): void {
    const inner = config['layer'];
    if (inner && typeof inner === 'object' && !Array.isArray(inner)) {
      const innerConfig = inner['config'];
      if (innerConfig && typeof innerConfig === 'object' && !Array.isArray(innerConfig) && typeof innerConfig['name'] === 'string') {
        config['forward_layer_name'] = `forward_${innerConfig['name']}`;
        config['backward_layer_name'] = `backward_${innerConfig['name']}`;
      }
    }
  }

  /** Keras calls a layer or op symbolically when any of its tensors is symbolic (a KerasTensor plus a weight is symbolic). */
  protected allEager(tensors: readonly number[]): boolean {
    return tensors.every((t) => this.graph.tensors[t]!.eager);
  }

  configValue(value: Value): JsonValue | undefined {
    return this.toJson(value);
  }

  /** A value as it appears in a Keras config; undefined when it is not known. */
  protected toJson(value: Value): JsonValue | undefined {
    switch (value.kind) {
      case 'none':
        return null;
      case 'bool':
      case 'int':
      case 'float':
      case 'str':
        return value.value;
      case 'tuple':
      case 'list': {
        const items = value.items.map((v) => this.toJson(v));
        return items.every((v) => v !== undefined) ? (items as JsonValue[]) : undefined;
      }
      case 'dict': {
        const out: { [key: string]: JsonValue } = {};
        for (const { key, value: v } of value.entries.values()) {
          const json = this.toJson(v);
          if (key.kind !== 'str' || json === undefined) return undefined;
          out[key.value] = json;
        }
        return out;
      }
      case 'layer': {
        const layer = this.graph.layers[value.layer]!;
        return { class_name: layer.className, config: layer.config };
      }
      case 'kerasObject':
        return { class_name: value.className, config: { ...value.config } };
      case 'array':
        return arrayLiteralJson(value);
      case 'module':
      case 'builtin':
        // keras.activations.relu, tf.nn.relu, keras.initializers.HeNormal: Keras stores the name.
        return (value.kind === 'module' ? value.path : value.name).split('.').at(-1)!;
      case 'symint':
        return value.symbol;
      default:
        return undefined;
    }
  }

  callLayer(layerId: number, args: Arguments, site: CallSite): Value {
    const state = this.states.get(layerId);
    const layer = this.graph.layers[layerId]!;
    const unknownInputs = state?.constructionError
      ? undefined
      : this.unknownTensorInputs(args.positional[0] ?? args.keywords.get('inputs'));
    if (unknownInputs)
      return this.unknownCall(layerId, unknownInputs.tensors, unknownInputs.isList, unknownInputs.unknown, rangeOf(site.node));
    if (layer.model) return this.callModel(layerId, args, site);
    if (state?.object) return this.callSubclassed(state.object, args, site);
    if (state?.followed) return this.callFunctionLayer(layerId, state.followed, args, site);
    const named = state?.entry?.rule?.callTensors;
    if (named) return this.callWithNamedTensors(layerId, named, args, site);
    const inputs = this.tensorInputs(args.positional[0] ?? args.keywords.get('inputs'), layer.name, site);
    if (!('tensors' in inputs)) return inputs.problem;
    const unevaluated = Object.entries(state?.entry?.rule?.unevaluatedCallKeywords ?? {}).find(([keyword]) => args.keywords.has(keyword));
    if (unevaluated) this.refuseEvaluation(layerId, `called with ${unevaluated[0]}= cannot be evaluated yet (${unevaluated[1]})`);
    this.refuseTraining(layerId, args, inputs.tensors);
    const options = this.callOptions(layerId, args);
    if ('problem' in options) return options.problem;
    return this.applyLayer(layerId, inputs.tensors, inputs.isList, rangeOf(site.node), { names: [], options: options.options });
  }

  /** The call keywords the layer's rule names in `callOptions` (`return_attention_scores=True`), as JSON. */
  private callOptions(layerId: number, args: Arguments): { options: Record<string, JsonValue> } | { problem: Value } {
    const layer = this.graph.layers[layerId]!;
    const options: Record<string, JsonValue> = {};
    for (const option of this.states.get(layerId)?.entry?.rule?.callOptions ?? []) {
      const value = args.keywords.get(option);
      if (value === undefined) continue;
      const json = this.toJson(value);
      if (json === undefined) return { problem: unknown(`\`${option}\` of this ${layer.className} call is not known`) };
      options[option] = json;
    }
    return { options };
  }

  /** A call like `attention(query, value, key=k, return_attention_scores=True)`: each tensor by its parameter. */
  protected callWithNamedTensors(layerId: number, parameters: readonly string[], args: Arguments, site: CallSite): Value {
    const layer = this.graph.layers[layerId]!;
    const tensors: number[] = [];
    const names: string[] = [];
    for (const [i, parameter] of parameters.entries()) {
      const given = args.keywords.get(parameter) ?? args.positional[i];
      if (!given || given.kind === 'none') continue;
      const input = this.tensorInputs(given, layer.name, site);
      if (!('tensors' in input)) return input.problem;
      if (input.isList) return unknown(`a list given for \`${parameter}\` of ${layer.className} is not analysed`);
      tensors.push(input.tensors[0]!);
      names.push(parameter);
    }
    this.refuseTraining(layerId, args, tensors);
    const options = this.callOptions(layerId, args);
    if ('problem' in options) return options.problem;
    return this.applyLayer(layerId, tensors, false, rangeOf(site.node), { names, options: options.options });
  }

  /** The engine evaluates inference; a layer is left unevaluated with the first reason it is given. */
  private refuseEvaluation(layerId: number, reason: string): void {
    const layer = this.graph.layers[layerId]!;
    if (!(layer.evaluation && 'refused' in layer.evaluation)) layer.evaluation = { refused: reason };
  }

  /**
   * A call that runs the layer in training, where it computes something else than at inference: `training=True` (or
   * a value not known), or an eager call without it of a class whose `call` defaults to training. In a model, a call
   * without `training` runs at inference (predict).
   */
  private refuseTraining(layerId: number, args: Arguments, inputs: readonly number[]): void {
    const state = this.states.get(layerId);
    const difference = state?.entry?.rule?.training?.(this.graph.layers[layerId]!.config);
    if (difference === undefined) return;
    const given = args.keywords.get('training');
    const eager = this.allEager(inputs);
    // An explicit None is no choice: Keras takes the outer call's, or the signature's default.
    if (given === undefined || given.kind === 'none') {
      if (eager && state?.entry?.callTraining === true) {
        this.refuseEvaluation(
          layerId,
          `is not evaluated: called eagerly, it runs in training (its call defaults to training=True), where ${difference}`,
        );
      }
    } else if (given.kind !== 'bool') {
      this.refuseEvaluation(layerId, `is not evaluated: called with a training= whose value is not known, and in training ${difference}`);
    } else if (given.value) {
      this.refuseEvaluation(layerId, `is not evaluated: called with training=True, where ${difference}`);
    }
  }

  /** Runs one layer's shape rule on tensors and records the call. */
  protected applyLayer(
    layerId: number,
    inputs: number[],
    inputIsList: boolean,
    range: SourceRange,
    callArguments: CallArguments = { names: [], options: {} },
  ): Value {
    const unknownInput = inputs.find((t) => this.graph.tensors[t]!.unknown !== undefined);
    if (unknownInput !== undefined) {
      return this.unknownCall(layerId, inputs, inputIsList, this.tensorValue(unknownInput) as UnknownValue, range);
    }
    const shapes = inputs.map((t) => this.graph.tensors[t]!.shape);
    const computed = this.computeLayer(layerId, shapes, inputIsList, range, callArguments);
    if ('problem' in computed) {
      // A layer Keras would call all the same, whose output is not known here, keeps its place in the model.
      return computed.listed && computed.problem.kind === 'unknown'
        ? this.unknownCall(layerId, inputs, inputIsList, computed.problem, range)
        : computed.problem;
    }
    const { output, rule } = computed;
    const layer = this.graph.layers[layerId]!;
    const firstCall = layer.calls.length === 0 && !this.states.get(layerId)!.builtExplicitly;
    if (firstCall) this.recordBuild(layerId, computed);
    this.takeAutoNames(layer.className, layer.config, firstCall ? 'build' : 'call');
    const dtype = output.dtype ?? computeDtype(layer.config);
    const eager = this.allEager(inputs);
    const call = this.graph.addCall(
      layerId,
      inputs,
      inputIsList,
      output.outputs.map((shape) => ({ shape, dtype })),
      eager,
      range,
      this.parent,
      rule.callTensors || rule.callOptions ? callArguments : undefined,
    );
    const activation = this.states.get(layerId)!.activation;
    if (activation && call.outputs.length === 1) return this.activate(layerId, activation, call.id, call.outputs[0]!);
    return this.outputValue(call.outputs, output.outputIsList === true || call.outputs.length > 1);
  }

  /** The tensor a followed activation returned, to the layer output it stands for in the model's graph. */
  protected readonly activatedOutputs = new Map<number, number>();

  /**
   * A layer's own result through the Python function it was given as `activation`, followed inside its call. Keras's
   * output is the layer's compute_output_shape, whatever the function does: where the function does not keep that
   * shape and dtype (or cannot be followed), the layer's output stands and its values are refused.
   */
  private activate(layerId: number, activation: NonNullable<LayerState['activation']>, callId: number, output: number): Value {
    this.parents.push(callId);
    let result: Value;
    try {
      const args = { positional: [{ kind: 'tensor', tensor: output } as Value], keywords: new Map(), keywordNodes: new Map() };
      result = this.interpreter.call(activation.fn, args, activation.site);
    } finally {
      this.parents.pop();
    }
    const expected = this.graph.tensors[output]!;
    const got = result.kind === 'tensor' ? this.graph.tensors[result.tensor]! : undefined;
    if (got && sameShape(got.shape, expected.shape) && got.dtype === expected.dtype) {
      this.activatedOutputs.set(result.kind === 'tensor' ? result.tensor : output, output);
      return result;
    }
    const name = activation.fn.kind === 'function' ? activation.fn.fn.name : 'activation';
    this.refuseEvaluation(
      layerId,
      got
        ? `is not evaluated: its activation \`${name}\` computes ${formatShape(got.shape)} ${got.dtype}, not the layer's ${formatShape(expected.shape)} ${expected.dtype}`
        : `is not evaluated: its activation \`${name}\` is not followed (${result.kind === 'unknown' ? result.reason : `it returns a ${result.kind}`})`,
    );
    return { kind: 'tensor', tensor: output };
  }

  /**
   * `layer.build(input_shape)` of a layer the registry models: built as its first call would build it (its weights
   * made, its input spec set), with no call recorded. Keras does not build it again when it is called.
   */
  buildLayer(layerId: number, shape: Shape, range: SourceRange): void {
    const state = this.states.get(layerId);
    if (!state?.entry?.rule || state.builtExplicitly || this.graph.layers[layerId]!.calls.length > 0) return;
    const computed = this.computeLayer(layerId, [shape], false, range, { names: [], options: {} });
    if ('problem' in computed) return;
    this.recordBuild(layerId, computed);
    this.takeAutoNames(this.graph.layers[layerId]!.className, this.graph.layers[layerId]!.config, 'build');
    state.builtExplicitly = true;
  }

  /** The auto-names Keras gives the sublayers, seed generators and ops a layer makes at that moment (MultiHeadAttention's softmax and dropout at its first call). */
  private takeAutoNames(className: string, config: LayerConfig, moment: AutoNameMoment): void {
    for (const prefix of autoNamesTaken(className, config, moment) ?? []) this.graph.names.uniquify(prefix);
  }

  /** The layer's rule on these input shapes, with its checks; or the unknown value (an error reported) when it fails. */
  private computeLayer(
    layerId: number,
    shapes: Shape[],
    inputIsList: boolean,
    range: SourceRange,
    callArguments: CallArguments,
  ): { output: LayerOutput; rule: LayerRule; unknownArguments: number } | { problem: Value; listed?: true } {
    const layer = this.graph.layers[layerId]!;
    const state = this.states.get(layerId)!;
    const rule = state.entry?.rule;
    if (rule?.unsupported) {
      return { problem: { kind: 'unknown', reason: `${layer.className}: ${rule.unsupported}`, reported: true }, listed: true };
    }
    if (!rule) {
      const message = `Layer ${layer.className} is not supported by Tensor Lens yet: tensors after it are not analysed.`;
      if (!state.entry) return { problem: { kind: 'unknown', reason: message } };
      this.graph.report('information', range, message, 'unknown-layer');
      return { problem: { kind: 'unknown', reason: message, reported: true }, listed: true };
    }
    if (state.constructionError) return { problem: { kind: 'unknown', reason: state.constructionError, reported: true } };
    if (shapes.length === 0) return { problem: unknown(`layer '${layer.name}' was called on an empty list`) };
    // An argument not known stands as None in the config. A required one the rule reads as not known (a size it cannot
    // use); an optional one it would read as its default or as not given (a mean given as an array it cannot read
    // would look absent), so the layer's outputs depend on it, unless it cannot change a size.
    const unknownArguments = [...state.unknownArgs].filter(([argument]) => !shapeNeutralArgument(argument));
    const optional = unknownArguments.find(([argument]) => !state.entry?.parameters.some((p) => p.name === argument && p.required));
    if (optional) {
      const [argument, reason] = optional;
      return dependsOn(layer, argument, `, which is not known (${reason})`);
    }
    let output: LayerOutput;
    try {
      if (rule.listInput && !inputIsList) {
        throw new LayerError(
          `A merge layer should be called on a list of inputs. Received: inputs=${formatShape(shapes[0]!)} (not a list of tensors)`,
        );
      }
      const spec = rule.inputSpec?.(layer.config);
      shapes.forEach((shape, i) => {
        if (spec) checkInputSpec(spec, shape, i, layer.name);
        if (state.built) checkInputSpec(state.built, shape, i, layer.name);
      });
      output = rule.compute(layer.config, shapes, this.ruleContext, callArguments);
    } catch (error) {
      if (!(error instanceof LayerError)) throw error;
      // A rule that cannot take a size known only at run time where the error is: the outputs depend on that size.
      const [sized, size] = sizeBehind(state.runTimeSizes, error.argument) ?? [];
      if (sized !== undefined) return dependsOn(layer, sized, ` (${size}), a size known only at run time`);
      if (state.unknownArgs.size > 0) {
        const [argument, reason] = [...state.unknownArgs][0]!;
        return dependsOn(layer, argument, `, which is not known (${reason})`);
      }
      this.graph.report('error', range, error.message, 'shape-error');
      return { problem: { kind: 'unknown', reason: error.message, reported: true } };
    }
    for (const warning of output.warnings ?? []) this.graph.report('warning', range, warning, 'shape-warning');
    return { output, rule, unknownArguments: unknownArguments.length };
  }

  /** What the first build of a layer makes: its weights (counted, trainable or not), its input spec. */
  private recordBuild(
    layerId: number,
    { output, rule, unknownArguments }: { output: LayerOutput; rule: LayerRule; unknownArguments: number },
  ): void {
    const layer = this.graph.layers[layerId]!;
    const state = this.states.get(layerId)!;
    // A quantized dtype policy (`int8_from_float32`) stores packed kernels and scales: their sizes are not modelled.
    const quantized = isQuantizedPolicy(layer.config['dtype']);
    layer.params = quantized || unknownArguments > 0 ? null : output.params;
    if (layer.params === null && !quantized && unknownArguments === 0 && output.paramsFormula !== undefined) {
      layer.paramsFormula = output.paramsFormula;
    }
    const nonTrainable = layer.params === null ? null : output.nonTrainableParams === undefined ? 0 : output.nonTrainableParams;
    const spared = rule.sublayersKeepTrainable ? (layer.params === null || nonTrainable === null ? null : layer.params - nonTrainable) : 0;
    this.graph.setOwnWeights(layerId, { nonTrainable, restored: layer.params === null ? null : restoredOf(output), spared });
    if (quantized) {
      this.refuseEvaluation(layerId, `with the quantized dtype policy ${pythonRepr(layer.config['dtype'])} cannot be evaluated yet`);
    }
    if (output.built) state.built = output.built;
  }

  protected readonly ruleContext: RuleContext = {
    inner: (layer, inputs) => {
      const spec = layerEntry(layer.class_name);
      if (!spec?.rule) throw new LayerError(`Layer ${layer.class_name} cannot be wrapped here`);
      const config: Record<string, JsonValue> = {};
      for (const p of spec.parameters) if ('default' in p) config[p.name] = p.default ?? null;
      Object.assign(config, layer.config);
      const output = spec.rule.compute(config, inputs, this.ruleContext, { names: [], options: {} });
      return config['trainable'] === false ? madeUntrainable(spec.rule, output) : output;
    },
  };

  protected outputValue(tensors: readonly number[], asList: boolean): Value {
    if (!asList && tensors.length === 1) return this.tensorValue(tensors[0]!);
    return { kind: 'list', items: tensors.map((t) => this.tensorValue(t)) };
  }

  /** The value a tensor of the graph is: a tensor, or, for one whose shape is not known, an unknown value that stands for it. */
  protected tensorValue(id: number): Value {
    const reason = this.graph.tensors[id]!.unknown;
    return reason === undefined ? { kind: 'tensor', tensor: id } : { kind: 'unknown', reason, reported: true, tensor: id };
  }

  /**
   * What a layer is called on when that includes a value not known that a layer call gave (a tensor of unknown shape
   * in the graph), with the others tensors: the graph's tensors, and the first reason. Undefined otherwise.
   */
  protected unknownTensorInputs(value: Value | undefined): { tensors: number[]; isList: boolean; unknown: UnknownValue } | undefined {
    if (value?.kind === 'unknown')
      return value.tensor === undefined ? undefined : { tensors: [value.tensor], isList: false, unknown: value };
    if (value?.kind !== 'list' && value?.kind !== 'tuple') return undefined;
    const items: readonly Value[] = value.items;
    const tensors = items.map(graphTensorOf);
    const first = items.find((item): item is UnknownValue => item.kind === 'unknown' && item.tensor !== undefined);
    return first && tensors.every((t) => t !== undefined) ? { tensors: tensors as number[], isList: true, unknown: first } : undefined;
  }

  /**
   * A call whose output is not known (the layer's arguments, or its inputs, are not): recorded all the same, so the
   * model it is in lists the layer in its place, and the value given stands for its output.
   */
  protected unknownCall(layerId: number, inputs: number[], inputIsList: boolean, problem: UnknownValue, range: SourceRange): Value {
    const tensor = this.graph.addUnknownCall(layerId, inputs, inputIsList, problem.reason, range, this.parent);
    return { kind: 'unknown', reason: problem.reason, ...(problem.reported && { reported: true }), tensor };
  }

  /** The tensors a layer is called on: one, or a list; arrays become constant (eager) tensors. */
  protected tensorInputs(
    value: Value | undefined,
    layerName: string,
    site: CallSite,
  ): { tensors: number[]; isList: boolean } | { problem: Value } {
    const one = (v: Value): number | Value => {
      const t = this.asTensor(v);
      return t.kind === 'tensor' ? t.tensor : t;
    };
    if (!value) return { problem: unknown(`layer '${layerName}' was called without inputs`) };
    const items = isSequence(value) ? value.items : [value];
    const tensors: number[] = [];
    for (const item of items) {
      const t = one(item);
      if (typeof t !== 'number') {
        const reason = t.kind === 'unknown' ? t.reason : `a ${t.kind} is not a tensor`;
        if (!(t.kind === 'unknown' && t.reported)) {
          this.graph.report(
            'information',
            rangeOf(site.node),
            `Shapes after '${layerName}' are not analysed: its input is unknown (${reason}).`,
            'unknown-input',
          );
        }
        return { problem: { kind: 'unknown', reason, reported: true } };
      }
      tensors.push(t);
    }
    return { tensors, isList: isSequence(value) };
  }

  constantTensor(shape: Shape, dtype: string, source: ArraySource): Value {
    return { kind: 'tensor', tensor: this.graph.addTensor(shape, dtype, true, undefined, source) };
  }

  /** A NumPy array becomes a constant (eager) tensor where a tensor is taken; Keras feeds float64 as float32. */
  protected asTensor(value: Value): Value {
    if (value.kind !== 'array') return value;
    return this.constantTensor(value.shape, value.dtype === 'float64' ? 'float32' : value.dtype, value.source);
  }

  functionalHelper(className: string, args: Arguments, site: CallSite): Value {
    const inputs = args.positional[0] ?? args.keywords.get('inputs') ?? none;
    const layerArgs: Arguments = {
      positional: args.positional.slice(1),
      keywords: new Map([...args.keywords].filter(([k]) => k !== 'inputs')),
      keywordNodes: args.keywordNodes,
    };
    const layer = this.createLayer(className, layerArgs, site);
    return layer.kind === 'layer'
      ? this.callLayer(layer.layer, { positional: [inputs], keywords: new Map(), keywordNodes: new Map() }, site)
      : layer;
  }

  unmodelledCall(path: string, site: CallSite): Value {
    const name = path.split('.').at(-1)!;
    if (path.startsWith('keras.layers.') && /^[A-Z]/.test(name)) {
      const message = `Unknown layer ${name}: keras.layers has no such class, and tensors after it are not analysed.`;
      this.graph.report('information', rangeOf(site.node), message, 'unknown-layer');
      return { kind: 'unknown', reason: message, reported: true };
    }
    return unknown(`\`${path}\` is not modelled by Tensor Lens`);
  }

  // ---- tensor arithmetic and slicing ----------------------------------------------

  /** `x + y`, `x @ w`, `x > 0`, `-x`, `~mask` on tensors: the keras.ops call KerasTensor's operator makes. */
  tensorOperator(operator: string, left: Value, right: Value | undefined, node: Node): Value {
    const path = (right === undefined ? unaryTensorOperators : binaryTensorOperators)[operator];
    const rule = path && opRules[path];
    if (!path || !rule) return unknown(`tensor operator \`${operator}\` is not modelled`);
    const positional = right === undefined ? [left] : [left, right];
    return this.operation(path, rule, { positional, keywords: new Map(), keywordNodes: new Map() }, { node });
  }

  /**
   * A tensor operation written in Python: a graph node Keras names like a layer, in no model's layer list, that a
   * functional model's summary() lists under its Operation class (`sigmoid (Sigmoid)`).
   */
  protected addOperation(
    operator: string,
    extra: Record<string, JsonValue>,
    operands: number[],
    outputs: readonly OpOutput[],
    range: SourceRange,
    evaluation: LayerEvaluation = { className: 'TensorLensOperation' },
    className = 'Operation',
  ): Value[] {
    // Keras makes an Operation, which takes an auto-name, for a symbolic call outside any layer; inside a layer's call the
    // backend traces its own ops, and on concrete tensors it computes at once.
    const named = this.parent === undefined && !this.allEager(operands);
    const name = named ? this.graph.names.uniquify(operator) : operator;
    const id = this.graph.addLayer(className, name, { name, operator, ...extra }, range);
    const layer = this.graph.layers[id]!;
    layer.params = 0;
    layer.operation = operator;
    layer.evaluation = evaluation;
    this.states.set(id, { unknownArgs: new Map() });
    const eager = this.allEager(operands);
    const call = this.graph.addCall(id, operands, false, outputs, eager, range, this.parent);
    return call.outputs.map((tensor) => ({ kind: 'tensor', tensor }));
  }

  // ---- keras.ops ----------------------------------------------------------------

  /** A modelled `keras.ops` call: its arguments bound to the generated signature, its output by the op's rule. */
  operation(path: string, rule: OpRule, given: Arguments, site: CallSite): Value {
    if (this.floatxNotFollowed) return this.floatxNotFollowed;
    const args = this.autocastScope === undefined ? given : this.autocastVariables(given, site);
    const range = rangeOf(site.node);
    const bound = this.bindOperation(path, args);
    if ('problem' in bound) return bound.problem;
    // A size known only when the code runs (`ops.shape(x)[0]` of a None size, `x_train.shape[1]`) comes as its symbol.
    const runtimeSize = [...args.positional, ...args.keywords.values()].map((v) => symbolicSizeIn(v)).find((s) => s !== undefined);
    const unread = [...args.positional, ...args.keywords.values()].map((v) => symbolicSizeIn(v, true)).find((s) => s !== undefined);
    let output: OpResult;
    try {
      const symbolic = this.traceDepth === 0 && bound.operands.length > 0 && !this.allEager(bound.operands);
      output = rule.compute({ path, arguments: bound.arguments, symbolic });
    } catch (error) {
      if (error instanceof OpNotKnown) return unknown(error.message);
      if (!(error instanceof LayerError)) throw error;
      // Where the rule does not read such a size, its complaint is about the symbol, not about the user's code.
      if (runtimeSize !== undefined) return unknown(`${path} given \`${runtimeSize}\`, a size known only when it runs: ${error.message}`);
      this.graph.report('error', range, error.message, 'shape-error');
      return { kind: 'unknown', reason: error.message, reported: true };
    }
    const name = path.slice(path.lastIndexOf('.') + 1);
    if ('python' in output) return withSizeSources(output.python, this.graph, bound.operands);
    let outputs = 'tuple' in output ? output.tuple : 'list' in output ? output.list : [output];
    // Some ops compute another dtype than their symbolic call says (`gelu` of int32 is int32 symbolically, float32
    // computed): a concrete tensor has the computed one; a KerasTensor keeps Keras's, and its values are not Keras's.
    const computedDtype = outputs.length === 1 ? this.eagerDtype(path, bound) : undefined;
    let dtypeMismatch: string | undefined;
    if (computedDtype !== undefined && computedDtype !== outputs[0]!.dtype) {
      if (this.allEager(bound.operands)) outputs = [{ ...outputs[0]!, dtype: computedDtype }];
      else
        dtypeMismatch = `is ${outputs[0]!.dtype} symbolically, as Keras says, but computes ${computedDtype} when it runs: its values are not evaluated`;
    }
    const halfPrecision = [...bound.operands.map((t) => this.graph.tensors[t]!.dtype), ...outputs.map((o) => o.dtype)].find((d) =>
      halfPrecisionDtypes.has(d),
    );
    const evaluation: LayerEvaluation =
      bound.operands.length === 0 && !(outputs.length === 1 && outputs[0]!.shape.every(isKnown))
        ? { refused: `(${path}) makes tensors of sizes known only when it runs from no tensor input, which is not evaluated yet` }
        : unread !== undefined
          ? { refused: `(${path}) is given \`${unread}\`, a size known only when it runs, and not where to read it from` }
          : dtypeMismatch !== undefined
            ? { refused: `(${path}) ${dtypeMismatch}` }
            : halfPrecision
              ? { refused: `(${path}) on ${halfPrecision} is not evaluated: TensorFlow.js computes in float32, not ${halfPrecision}` }
              : { className: 'TensorLensOperation', config: { operator: name, call: operationCall(path, bound.json, outputs) } };
    if (bound.operands.length === 0 && !('refused' in evaluation)) {
      // On Python values alone the backend computes at once: a concrete tensor, whose numbers the kernel gives.
      const source: ArraySource = { kind: 'operation', call: operationCall(path, bound.json, outputs) };
      return { kind: 'tensor', tensor: this.graph.addTensor(outputs[0]!.shape, outputs[0]!.dtype, true, undefined, source) };
    }
    const className = opSignature(path)?.class;
    const tensors = this.addOperation(name, { arguments: bound.json }, bound.operands, outputs, range, evaluation, className);
    if ('tuple' in output) return { kind: 'tuple', items: tensors };
    if ('list' in output) return { kind: 'list', items: tensors };
    return tensors[0]!;
  }

  /** The arguments of an op with the layer's float variables among them read in the autocast scope's dtype. */
  private autocastVariables(args: Arguments, site: CallSite): Arguments {
    const read = (value: Value): Value => {
      if (value.kind === 'tensor') return { kind: 'tensor', tensor: this.autocastVariable(value.tensor, site) };
      if (value.kind === 'list' || value.kind === 'tuple') return { kind: value.kind, items: value.items.map(read) };
      return value;
    };
    return { ...args, positional: args.positional.map(read), keywords: new Map([...args.keywords].map(([k, v]) => [k, read(v)])) };
  }

  /** A variable of float dtype read inside an autocast scope: cast to the scope's dtype (KerasVariable.value). */
  private autocastVariable(tensor: number, site: CallSite): number {
    const scope = this.autocastScope;
    const node = this.graph.tensors[tensor]!;
    if (scope === undefined || node.constant?.kind !== 'variable' || !isFloatDtype(node.dtype) || node.dtype === scope) return tensor;
    this.autocastScope = undefined;
    try {
      return this.castTo(tensor, scope, site);
    } finally {
      this.autocastScope = scope;
    }
  }

  /** The tensor as `dtype`, by a keras.ops.cast inside the current call when it has another dtype. */
  protected castTo(tensor: number, dtype: string, site: CallSite): number {
    if (this.graph.tensors[tensor]!.dtype === dtype) return tensor;
    const cast = this.operation(
      'keras.ops.cast',
      opRules['keras.ops.cast']!,
      { positional: [{ kind: 'tensor', tensor }, str(dtype)], keywords: new Map(), keywordNodes: new Map() },
      site,
    );
    return cast.kind === 'tensor' ? cast.tensor : tensor;
  }

  /** The dtype an op on one tensor (or one Python number) computes, where the generated table says it differs. */
  private eagerDtype(path: string, bound: { arguments: Map<string, OpArgument>; operands: number[] }): string | undefined {
    const given = [...bound.arguments.values()].filter((a): a is Operand => isOperand(a));
    if (given.length !== 1) return undefined;
    const operand = given[0]!;
    return eagerUnaryDtype(path, operand.weak ? (operand.weak === 'int' ? 'int32' : 'float32') : operand.dtype);
  }

  /** The arguments of an op call by parameter: tensors as operands (in `operands`, referenced as {tensor: i}), Python numbers as weak scalars. */
  private bindOperation(
    path: string,
    args: Arguments,
  ): { arguments: Map<string, OpArgument>; json: Record<string, JsonValue>; operands: number[] } | { problem: Value } {
    const parameters = opSignature(path)!.parameters;
    const binding = bindOpArguments(path, args);
    if ('problem' in binding) return binding;
    const given = binding.given;
    const bound = new Map<string, OpArgument>();
    const json: Record<string, JsonValue> = {};
    const operands: number[] = [];
    const asOperand = (given: Value): Operand | undefined => {
      const value = this.asTensor(given);
      if (value.kind === 'tensor') {
        const tensor = this.graph.tensors[value.tensor]!;
        operands.push(value.tensor);
        return { shape: tensor.shape, dtype: tensor.dtype };
      }
      if (value.kind === 'int' || value.kind === 'float') {
        return { shape: [], dtype: value.kind === 'int' ? 'int32' : 'float32', weak: value.kind, value: value.value };
      }
      return undefined;
    };
    for (const parameter of parameters) {
      const value =
        given.get(parameter.name) ??
        (parameter.kind === '*' ? { kind: 'tuple', items: [] } : undefined) ??
        (parameter.name === 'data_format' && !isChannelsLast(this.imageDataFormat) ? this.imageDataFormat : undefined);
      if (value === undefined) {
        if (parameter.required) return { problem: unknown(`${path}() is missing its argument \`${parameter.name}\``) };
        bound.set(parameter.name, parameter.default ?? null);
        json[parameter.name] = parameter.default ?? null;
        continue;
      }
      const single = asOperand(value);
      if (single) {
        bound.set(parameter.name, single);
        json[parameter.name] = single.weak ? single.value! : { tensor: operands.length - 1 };
        continue;
      }
      if (isSequence(value) && value.items.some((v) => v.kind === 'tensor' || v.kind === 'array')) {
        const items: Operand[] = [];
        const itemsJson: JsonValue[] = [];
        for (const item of value.items) {
          const itemOperand = asOperand(item);
          if (!itemOperand) return { problem: unknown(`\`${parameter.name}\` of ${path}() holds values that are not tensors`) };
          items.push(itemOperand);
          // A Python number among tensors is its own value; a tensor is the layer input it became.
          itemsJson.push(itemOperand.weak ? itemOperand.value! : { tensor: operands.length - 1 });
        }
        bound.set(parameter.name, items);
        json[parameter.name] = itemsJson;
        continue;
      }
      const literal = this.argumentJson(value);
      if (literal === undefined) {
        return {
          problem: unknown(`\`${parameter.name}\` of ${path}() is not known${value.kind === 'unknown' ? ` (${value.reason})` : ''}`),
        };
      }
      bound.set(parameter.name, literal);
      json[parameter.name] = this.runtimeJson(value, operands) ?? literal;
    }
    return { arguments: bound, json, operands };
  }

  /**
   * An argument holding sizes read when the code runs, as the engine takes it: each such size `{size: [operand, axis]}`,
   * its tensor an operand of the op; undefined when it holds none.
   */
  private runtimeJson(value: Value, operands: number[]): JsonValue | undefined {
    if (value.kind === 'symint' && value.size) {
      if (!operands.includes(value.size.tensor)) operands.push(value.size.tensor);
      return { size: [operands.indexOf(value.size.tensor), value.size.axis] };
    }
    if (!isSequence(value) || !value.items.some((v) => this.runtimeJson(v, []) !== undefined)) return undefined;
    const items = value.items.map((v) => this.runtimeJson(v, operands) ?? this.argumentJson(v));
    return items.every((v) => v !== undefined) ? (items as JsonValue[]) : undefined;
  }

  /** An op argument as JSON: as in a config, and a slice as `{slice: [start, stop, step]}`, `...` as `{ellipsis: true}`. */
  protected argumentJson(value: Value): JsonValue | undefined {
    if (value.kind === 'ellipsis') return { ellipsis: true };
    if (value.kind === 'slice') {
      const parts = [value.start, value.stop, value.step].map((v) => this.toJson(v));
      return parts.every((p) => p === null || typeof p === 'number') ? { slice: parts as (number | null)[] } : undefined;
    }
    if (value.kind === 'tuple' || value.kind === 'list') {
      const items = value.items.map((v) => this.argumentJson(v));
      return items.every((v) => v !== undefined) ? (items as JsonValue[]) : undefined;
    }
    return this.toJson(value);
  }

  subscript(container: Value, indices: Value[], node: Node): Value {
    if (container.kind === 'unknown') return { kind: 'unknown', reason: container.reason, ...(container.reported && { reported: true }) };
    if (container.kind !== 'tensor' && container.kind !== 'array') return unknown(`indexing a ${container.kind} is not analysed`);
    const shape = container.kind === 'tensor' ? this.graph.tensors[container.tensor]!.shape : container.shape;
    const index = indices.length === 1 && indices[0]!.kind === 'tuple' ? [...indices[0]!.items] : indices;
    let result: Shape;
    try {
      result = sliceShape(shape, index);
    } catch (error) {
      if (!(error instanceof LayerError)) throw error;
      this.graph.report('error', rangeOf(node), error.message, 'shape-error');
      return { kind: 'unknown', reason: error.message, reported: true };
    }
    if (container.kind === 'array') return { ...container, shape: result, source: { kind: 'unknown', reason: 'a slice of an array' } };
    const tensor = this.autocastScope === undefined ? container.tensor : this.autocastVariable(container.tensor, { node });
    const t = this.graph.tensors[tensor]!;
    return this.addOperation(
      'get_item',
      { index: indexToJson(index) },
      [tensor],
      [{ shape: result, dtype: t.dtype }],
      rangeOf(node),
      undefined,
      'GetItem',
    )[0]!;
  }

  /** `keras.config.set_image_data_format(value)`: what `data_format=None` means for the layers and ops made after it. */
  setImageDataFormat(args: Arguments): Value {
    const value = args.positional[0] ?? args.keywords.get('data_format');
    if (value?.kind === 'str' && value.value !== 'channels_last' && value.value !== 'channels_first') {
      return unknown(
        `The \`data_format\` argument must be one of {'channels_first', 'channels_last'}. Received: data_format=${value.value}`,
      );
    }
    this.imageDataFormat = value?.kind === 'str' ? value : unknown(`keras.config.image_data_format() was set to a value that is not known`);
    return none;
  }

  imageDataFormatValue(): Value {
    return this.imageDataFormat;
  }

  setDtypePolicy(policy: string | Value): void {
    this.globalPolicy = policy;
  }

  dtypePolicy(): Value {
    return typeof this.globalPolicy === 'string' ? dtypePolicyObject(this.globalPolicy) : this.globalPolicy;
  }

  /**
   * The dtype a layer of the class made now takes when given none: the global policy's name, unless it is float32
   * (the default, left out of the config) or the class picks its own dtype for None.
   */
  protected layerPolicy(className: string, config: LayerConfig = {}): Value | undefined {
    if (choosesItsOwnDtype[className]?.(config)) return undefined;
    if (typeof this.globalPolicy !== 'string') return this.globalPolicy;
    if (this.globalPolicy === 'float32') return undefined;
    return str(this.globalPolicy);
  }

  /** keras.config.set_floatx: float32 is what the analysis models; another floatx changes every default dtype. */
  setFloatx(value: Value, site: CallSite): Value {
    if (value.kind === 'str' && !floatxDtypes.includes(value.value)) {
      // Keras prints its set of accepted names, whose order Python's string hashing makes vary from run to run.
      return this.raising(site, () => {
        throw new LayerError(`Unknown \`floatx\` value: ${value.value}. Expected one of {${floatxDtypes.map((d) => `'${d}'`).join(', ')}}`);
      });
    }
    if (value.kind === 'str' && value.value === 'float32') {
      this.floatxNotFollowed = undefined;
      return none;
    }
    const message =
      value.kind === 'str'
        ? `keras.config.set_floatx('${value.value}') changes the default dtype of inputs, layers and ops, which Tensor Lens does not model: the tensors made after it are not analysed.`
        : 'keras.config.set_floatx() is given a value that is not known: the tensors made after it are not analysed.';
    this.graph.report('information', rangeOf(site.node), message, 'unsupported-setting');
    this.floatxNotFollowed = { kind: 'unknown', reason: message, reported: true };
    return none;
  }

  floatx(): Value {
    return this.floatxNotFollowed ? unknown('keras.config.floatx() after a set_floatx that is not modelled') : str('float32');
  }

  raising(site: CallSite, compute: () => Value): Value {
    try {
      return compute();
    } catch (error) {
      if (!(error instanceof LayerError)) throw error;
      this.graph.report('error', rangeOf(site.node), error.message, 'invalid-argument');
      return { kind: 'unknown', reason: error.message, reported: true };
    }
  }

  clearSession(): Value {
    this.graph.names.reset();
    return none;
  }

  uid(prefix: string): number {
    return this.graph.names.uid(prefix);
  }

  sourceInputs(value: Value): Value {
    const tensor = graphTensorOf(value);
    if (tensor === undefined) return value.kind === 'unknown' ? value : unknown(`get_source_inputs() of a ${value.kind}`);
    return { kind: 'list', items: this.graph.sourceInputs(tensor).map((t): Value => ({ kind: 'tensor', tensor: t })) };
  }

  protected abstract callModel(modelId: number, args: Arguments, site: CallSite): Value;
  abstract callSubclassed(object: PythonObject, args: Arguments, site: CallSite): Value;
  protected abstract callFunctionLayer(layerId: number, followed: FollowedFunction, args: Arguments, site: CallSite): Value;
}

/**
 * What the layer holding it counts non-trainable of a layer made with `trainable=False`: every weight, but those its
 * sublayers keep trainable (LayerRule.sublayersKeepTrainable).
 */
function madeUntrainable(rule: LayerRule, output: LayerOutput): LayerOutput {
  if (output.params === null || rule.sublayersKeepTrainable) return output;
  // Those it makes trainable are frozen by the flag, and Keras's setter (on the layer holding it) makes them trainable.
  const nonTrainable = nonTrainableOf(output);
  const restored = restoredOf(output);
  const thawed = nonTrainable === null || restored === null ? null : output.params - nonTrainable + restored;
  return { ...output, nonTrainableParams: output.params, restoredBySetter: thawed };
}

export function compatibleShapes(expected: Shape, found: Shape): boolean {
  if (expected.length !== found.length) return false;
  return expected.every((d, i) => d === null || found[i] === null || sameDim(d, found[i]!) || isSymbolic(d) || isSymbolic(found[i]!));
}

/** Keras `assert_input_compatibility`, with its wording. */
function checkInputSpec(spec: InputSpec, shape: Shape, index: number, layerName: string): void {
  const prefix = `Input ${index} of layer '${layerName}' is incompatible with the layer`;
  const ndim = shape.length;
  if (spec.ndim !== undefined && ndim !== spec.ndim) {
    throw new LayerError(`${prefix}: expected ndim=${spec.ndim}, found ndim=${ndim}. Full shape received: ${formatShape(shape)}`);
  }
  if (spec.maxNdim !== undefined && ndim > spec.maxNdim) {
    throw new LayerError(`${prefix}: expected max_ndim=${spec.maxNdim}, found ndim=${ndim}`);
  }
  if (spec.minNdim !== undefined && ndim < spec.minNdim) {
    throw new LayerError(`${prefix}: expected min_ndim=${spec.minNdim}, found ndim=${ndim}. Full shape received: ${formatShape(shape)}`);
  }
  for (const [axisText, size] of Object.entries(spec.axes ?? {})) {
    const axis = Number(axisText);
    const dim = shape[axis < 0 ? ndim + axis : axis];
    if (dim !== undefined && isKnown(dim) && dim !== size) {
      throw new LayerError(
        `${prefix}: expected axis ${axis} of input shape to have value ${size}, but received input with shape ${formatShape(shape)}`,
      );
    }
  }
}

export function dimValue(dim: Dim): Value {
  if (dim === null) return none;
  if (isSymbolic(dim)) return { kind: 'symint', symbol: dim.symbol };
  return int(dim);
}

/** A tensor's shape as Python reads it: its sizes known only at run time say which axis of it they are. */
export function tensorShapeValue(shape: Shape, tensor: number): Value {
  return tuple(
    shape.map((dim, axis) => (isSymbolic(dim) ? { kind: 'symint', symbol: dim.symbol, size: { tensor, axis } } : dimValue(dim))),
  );
}

/** A Python result with its sizes known only at run time tied to the axis of an operand that has them. */
function withSizeSources(value: Value, graph: GraphBuilder, operands: readonly number[]): Value {
  if (value.kind === 'symint' && !value.size) {
    for (const tensor of operands) {
      const axis = graph.tensors[tensor]!.shape.findIndex((d) => isSymbolic(d) && d.symbol === value.symbol);
      if (axis >= 0) return { ...value, size: { tensor, axis } };
    }
    return value;
  }
  if (value.kind === 'tuple') return tuple(value.items.map((v) => withSizeSources(v, graph, operands)));
  if (value.kind === 'list') return { kind: 'list', items: value.items.map((v) => withSizeSources(v, graph, operands)) };
  return value;
}

/** A serialized layer's evaluation, by its class's rule; its own TensorFlow.js class by default. */
const innerEvaluation: InnerEvaluation = (layer) =>
  layerEntry(layer.class_name)?.rule?.evaluation?.(layer.config, innerEvaluation) ?? { className: layer.class_name };

/** The keras.ops function each Python operator on a KerasTensor calls (keras/src/backend/common/keras_tensor.py). */
const binaryTensorOperators: Readonly<Record<string, string>> = {
  '+': 'keras.ops.add',
  '-': 'keras.ops.subtract',
  '*': 'keras.ops.multiply',
  '@': 'keras.ops.matmul',
  '/': 'keras.ops.true_divide',
  '**': 'keras.ops.power',
  '//': 'keras.ops.floor_divide',
  '%': 'keras.ops.mod',
  '<': 'keras.ops.less',
  '<=': 'keras.ops.less_equal',
  '>': 'keras.ops.greater',
  '>=': 'keras.ops.greater_equal',
  '!=': 'keras.ops.not_equal',
  '&': 'keras.ops.logical_and',
  '|': 'keras.ops.logical_or',
  '^': 'keras.ops.logical_xor',
};

const unaryTensorOperators: Readonly<Record<string, string>> = {
  '-': 'keras.ops.negative',
  '~': 'keras.ops.logical_not',
};

/** Why a constructor argument cannot be read as config. */
export function unreadableReason(value: Value): string {
  if (value.kind === 'unknown') return value.reason;
  if (value.kind === 'function') return `the Python function \`${value.fn.name}\` is not followed as a layer argument yet`;
  return `a ${value.kind} cannot be analysed here`;
}

/**
 * The symbol of the first size known only at run time in an argument (a tuple of sizes, say), if any; with
 * `unreadOnly`, of the first the engine cannot read from a tensor when it runs.
 */
function symbolicSizeIn(value: Value, unreadOnly = false): string | undefined {
  if (value.kind === 'symint') return unreadOnly && value.size ? undefined : value.symbol;
  return isSequence(value) ? value.items.map((v) => symbolicSizeIn(v, unreadOnly)).find((s) => s !== undefined) : undefined;
}

/** Constructor arguments that change no shape but do change values: the activations and the initial weights. */
const valueChangingArgument = /^(activation|recurrent_activation)$|_initializer$/;

const isChannelsLast = (format: Value): boolean => format.kind === 'str' && format.value === 'channels_last';

/** Dtypes whose values TensorFlow.js cannot reproduce: it holds them in float32, Keras rounds every result. */
export const halfPrecisionDtypes = new Set<string>(['float16', 'bfloat16']);

/** The engine's description of a keras.ops call (graph/operation-config.ts); a size known only at run time as null. */
export function operationCall(path: string, args: Record<string, JsonValue>, outputs: readonly OpOutput[]): string {
  const json = outputs.map((o) => ({ shape: o.shape.map((d) => (typeof d === 'number' ? d : null)), dtype: o.dtype }));
  return encodeOperationCall({ path, arguments: args, outputs: json });
}

/** A layer whose outputs depend on one of its arguments: unknown, and listed in its model all the same. */
function dependsOn(layer: LayerNode, argument: string, why: string): { problem: Value; listed: true } {
  return { problem: unknown(`${layer.className} '${layer.name}' depends on \`${argument}\`${why}`), listed: true };
}

/** The argument from data an error is about (the one Keras names, else the first), with its size's text. */
function sizeBehind(sizes: ReadonlyMap<string, string> | undefined, argument: string | undefined): [string, string] | undefined {
  const entries = [...(sizes ?? [])];
  return entries.find(([key]) => key === argument) ?? entries[0];
}

/** The size known only at run time a value is or holds (`x_train.shape[1]`, `(n, -1)`), as its text. */
function runTimeSize(value: Value): string | undefined {
  if (value.kind === 'symint') return value.symbol;
  if (value.kind === 'list' || value.kind === 'tuple') {
    for (const item of value.items) {
      const size = runTimeSize(item);
      if (size !== undefined) return size;
    }
  }
  return undefined;
}

/** The graph tensor a value is: a tensor's, or that of an unknown value a layer call gave (of unknown shape). */
export function graphTensorOf(value: Value): number | undefined {
  return value.kind === 'tensor' ? value.tensor : value.kind === 'unknown' ? value.tensor : undefined;
}
