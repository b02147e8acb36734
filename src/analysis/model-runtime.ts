// Keras models for the interpreter: inputs, functional models, Sequential
// (built as items are added), models called as layers, and subclassed layers
// and models whose `call` the interpreter runs on symbolic inputs.

import { ModelFromConfig, type ModelMaking } from './saved-models/model-config.js';
import type { ArraySource, JsonValue, LayerCall, SourceRange, VariableSource } from '../graph/ir.js';
import { dependsOnTrace, formatShape, isKnown, isSymbolic, symbolic, traceDimension, type Dim, type Shape } from '../graph/shape.js';
import { rangeOf } from './python/source-range.js';
import type { Node } from './python/parser.js';
import { shapeArgument } from './shape-argument.js';
import { type Arguments, type CallSite, isSequence, none, type PythonObject, tuple, unknown, type Value } from './values.js';
import { dtypePolicyName } from './keras/functions/dtype-policies.js';
import { computeDtype, variableDtype } from './keras/rules/util.js';
import { standardizeDtype } from './keras/ops/dtypes.js';
import { OpNotKnown } from './keras/ops/op-rule.js';
import { LayerError, type LayerConfig } from './keras/rule.js';
import {
  compatibleShapes,
  dimValue,
  type FollowedFunction,
  graphTensorOf,
  isFloatDtype,
  LayerRuntime,
  type TensorValue,
  type UnknownValue,
  unreadableReason,
} from './layer-runtime.js';

export abstract class ModelRuntime extends LayerRuntime {
  /** `layer.trainable = value` (keras-runtime.ts). */
  abstract setTrainable(target: Value, value: Value, undecided: boolean): void;

  // ---- inputs and models ------------------------------------------------------

  input(args: Arguments, site: CallSite): Value {
    if (this.floatxNotFollowed) return this.floatxNotFollowed;
    const arg = (name: string, position: number): Value | undefined => args.keywords.get(name) ?? args.positional[position];
    const shapeValue = arg('shape', 0);
    const batchShapeValue = arg('batch_shape', 5);
    const batchSize = arg('batch_size', 1);
    const dtypeValue = arg('dtype', 2);
    const nameValue = arg('name', 6);
    let shape: Shape | undefined;
    if (batchShapeValue && batchShapeValue.kind !== 'none') shape = shapeArgument(batchShapeValue);
    else if (shapeValue) {
      const dims = shapeArgument(shapeValue);
      if (dims) shape = [batchSize?.kind === 'int' ? batchSize.value : null, ...dims];
    }
    const dtypeKnown = !dtypeValue || dtypeValue.kind === 'none' || dtypeValue.kind === 'str';
    if (!shape) {
      const given = batchShapeValue && batchShapeValue.kind !== 'none' ? batchShapeValue : shapeValue;
      const unknownPart =
        given?.kind === 'unknown' ? given : given && isSequence(given) ? given.items.find((v) => v.kind === 'unknown') : undefined;
      if (unknownPart?.kind !== 'unknown') return unknown('keras.Input needs a known `shape`');
      // A shape from data (`x_train.shape[1:]`): Keras makes the input all the same, and the layers after it are listed.
      const reason = `the shape of this Input is not known: ${unknownPart.reason}`;
      const name = nameValue?.kind === 'str' ? nameValue.value : this.graph.names.autoName('InputLayer');
      return this.makeUnknownInputLayer(name, dtypeValue?.kind === 'str' ? dtypeValue.value : dtypeKnown ? 'float32' : null, reason, site);
    }
    if (!dtypeKnown) return unknown('the dtype of this Input is not known');
    const dtype = dtypeValue?.kind === 'str' ? dtypeValue.value : 'float32';
    const name = nameValue?.kind === 'str' ? nameValue.value : this.graph.names.autoName('InputLayer');
    return this.makeInputLayer(name, shape, dtype, rangeOf(site.node));
  }

  /** `keras.layers.InputLayer(shape=…)`, also with the legacy `input_shape=`/`batch_input_shape=`: the layer, its tensor made. */
  inputLayer(args: Arguments, site: CallSite): Value {
    const arg = (name: string, position: number): Value | undefined => args.keywords.get(name) ?? args.positional[position];
    const keywords = new Map<string, Value>();
    const shape = arg('shape', 0) ?? args.keywords.get('input_shape');
    const batchShape = arg('batch_shape', 4) ?? args.keywords.get('batch_input_shape');
    const named: [string, Value | undefined][] = [
      ['shape', shape],
      ['batch_size', arg('batch_size', 1)],
      ['dtype', arg('dtype', 2)],
      ['batch_shape', batchShape],
      ['name', arg('name', 7)],
    ];
    for (const [key, value] of named) if (value) keywords.set(key, value);
    const made = this.input({ positional: [], keywords, keywordNodes: args.keywordNodes }, site);
    if (made.kind !== 'tensor') return made;
    return { kind: 'layer', layer: this.graph.calls[this.graph.tensors[made.tensor]!.producer!.call]!.layer };
  }

  /** An InputLayer whose shape is not known: listed in its models, its tensor standing for an unknown value. */
  private makeUnknownInputLayer(name: string, dtype: string | null, reason: string, site: CallSite): Value {
    const range = rangeOf(site.node);
    const config: Record<string, JsonValue> = { batch_shape: null, dtype, sparse: false, ragged: false, name };
    const id = this.graph.addLayer('InputLayer', name, config, range);
    this.graph.layers[id]!.params = 0;
    this.states.set(id, { unknownArgs: new Map([['shape', reason]]) });
    return this.unknownCall(id, [], false, unknown(reason) as UnknownValue, range);
  }

  protected makeInputLayer(name: string, shape: Shape, dtype: string, range: SourceRange): TensorValue {
    const config: Record<string, JsonValue> = {
      batch_shape: shape.map((d) => (isSymbolic(d) ? d.symbol : d)),
      dtype,
      sparse: false,
      ragged: false,
      name,
    };
    const id = this.graph.addLayer('InputLayer', name, config, range);
    this.graph.layers[id]!.params = 0;
    this.states.set(id, { unknownArgs: new Map() });
    const call = this.graph.addCall(id, [], false, [{ shape, dtype }], false, range, this.parent);
    return { kind: 'tensor', tensor: call.outputs[0]! };
  }

  functionalModel(args: Arguments, site: CallSite): Value {
    const inputs = this.modelTensors(args.keywords.get('inputs') ?? args.positional[0]);
    const outputs = this.modelTensors(args.keywords.get('outputs') ?? args.positional[1]);
    const nameValue = args.keywords.get('name');
    const name = nameValue?.kind === 'str' ? nameValue.value : this.graph.names.autoName('Functional');
    const id = this.graph.addLayer('Functional', name, { name, trainable: true }, rangeOf(site.node));
    if (!inputs || !outputs) {
      // Keras makes the model all the same (and it takes its name): it is listed, as nothing of it can be known.
      const reason = 'the inputs or outputs of this model are not known tensors';
      this.graph.layers[id]!.model = {
        kind: 'functional',
        inputs: inputs ?? [],
        outputs: [],
        layers: [],
        built: false,
        unknown: { at: 0, reason },
      };
      this.states.set(id, { unknownArgs: new Map() });
      this.graph.models.push(id);
      return { kind: 'layer', layer: id };
    }
    const layers = this.graph.kerasLayerOrder(inputs, outputs);
    const layer = this.graph.layers[id]!;
    layer.model = { kind: 'functional', inputs, outputs, layers, built: true };
    layer.children.push(...layers);
    layer.params = this.graph.sumParams(layers);
    this.states.set(id, { unknownArgs: new Map() });
    this.graph.models.push(id);
    return { kind: 'layer', layer: id };
  }

  /** A model's inputs or outputs: its tensors, those of unknown shape included (its layers around them are listed). */
  protected modelTensors(value: Value | undefined): number[] | undefined {
    if (!value) return undefined;
    const single = graphTensorOf(value);
    if (single !== undefined) return [single];
    const items = isSequence(value) ? value.items : value.kind === 'dict' ? [...value.entries.values()].map((e) => e.value) : undefined;
    const tensors = items?.map(graphTensorOf);
    return tensors?.every((t) => t !== undefined) ? (tensors as number[]) : undefined;
  }

  protected flattenTensors(value: Value | undefined): number[] | undefined {
    if (!value) return undefined;
    if (value.kind === 'tensor') return [value.tensor];
    const items = isSequence(value) ? value.items : value.kind === 'dict' ? [...value.entries.values()].map((e) => e.value) : undefined;
    if (!items) return undefined;
    const tensors = items.map((v) => (v.kind === 'tensor' ? v.tensor : undefined));
    return tensors.every((t) => t !== undefined) ? (tensors as number[]) : undefined;
  }

  modelFromConfig(config: Value, source: string, site: CallSite, weightsFile?: string): Value {
    const making: ModelMaking = {
      input: (args, at) => this.input(args, at),
      createLayer: (className, args, at) => this.createLayer(className, args, at),
      call: (callee, args, at) => this.interpreter.call(callee, args, at),
      functionalModel: (args, at) => this.functionalModel(args, at),
      sequential: (args, at) => this.sequential(args, at),
      api: (path) => this.interpreter.api(path),
      setTrainable: (target, value) => this.setTrainable(target, value, false),
      configJson: (value) => this.configValue(value),
    };
    const model = new ModelFromConfig(making, site, source).model(config);
    if (weightsFile !== undefined && model.kind === 'layer') this.graph.loadWeights(model.layer, { file: weightsFile });
    return model;
  }

  sequential(args: Arguments, site: CallSite): Value {
    // Sequential(layers=None, trainable=True, name=None).
    const nameValue = args.keywords.get('name') ?? args.positional[2];
    const name = nameValue?.kind === 'str' ? nameValue.value : this.graph.names.autoName('Sequential');
    const id = this.graph.addLayer('Sequential', name, { name, trainable: true }, rangeOf(site.node));
    const layer = this.graph.layers[id]!;
    layer.model = { kind: 'sequential', inputs: [], outputs: [], layers: [], built: false };
    this.states.set(id, { unknownArgs: new Map() });
    this.graph.models.push(id);
    const initial = args.keywords.get('layers') ?? args.positional[0];
    const items = initial ? this.interpreter.iterate(initial) : [];
    for (const item of items ?? []) this.sequentialAdd(id, item, site, false);
    this.rebuildSequential(id, site);
    return { kind: 'layer', layer: id };
  }

  protected sequentialAdd(modelId: number, item: Value, site: CallSite, rebuild: boolean): void {
    const model = this.graph.layers[modelId]!.model!;
    const input = item.kind === 'tensor' ? item.tensor : item.kind === 'unknown' ? item.tensor : undefined;
    if (input !== undefined && model.inputs.length === 0 && model.layers.length === 0) {
      model.inputs = [input];
      model.outputs = [input];
      return;
    }
    const layerId = item.kind === 'layer' ? item.layer : item.kind === 'object' ? item.object.layer : undefined;
    if (layerId === undefined) {
      if (model.unknown) return;
      const reason = item.kind === 'unknown' ? item.reason : `a ${item.kind} is not a layer`;
      if (!(item.kind === 'unknown' && item.reported)) {
        this.graph.report('information', rangeOf(site.node), `Sequential layers from here on are not analysed: ${reason}`, 'unknown-layer');
      }
      // Keras would still build the layers after it, on shapes we cannot know: they are listed, with unknown shapes.
      model.unknown = { at: model.layers.length, reason };
      this.markSequentialUnknown(modelId);
      return;
    }
    const layer = this.graph.layers[layerId]!;
    const firstCall = layer.calls[0] === undefined ? undefined : this.graph.calls[layer.calls[0]];
    if (layer.className === 'InputLayer' && model.layers.length === 0 && firstCall) {
      model.inputs = [...firstCall.outputs];
      model.outputs = [...firstCall.outputs];
      return;
    }
    const state = this.states.get(layerId);
    if (model.layers.length === 0 && model.inputs.length === 0 && state?.inputShape) {
      const input = this.makeInputLayer(this.graph.names.autoName('InputLayer'), state.inputShape, 'float32', layer.range);
      model.inputs = [input.tensor];
      model.outputs = [input.tensor];
    }
    model.layers.push(layerId);
    this.graph.layers[modelId]!.children.push(layerId);
    if (model.unknown) this.markSequentialUnknown(modelId);
    else if (rebuild) this.rebuildSequential(modelId, site);
  }

  protected markSequentialUnknown(modelId: number): void {
    const layer = this.graph.layers[modelId]!;
    layer.model!.built = false;
    layer.params = null;
  }

  /** Keras rebuilds a Sequential after each change once it knows its input; each build names a Functional. */
  protected rebuildSequential(modelId: number, site: CallSite): void {
    const layer = this.graph.layers[modelId]!;
    const model = layer.model!;
    if (model.inputs.length === 0 || model.layers.length === 0) return;
    this.graph.names.uniquify('functional');
    let current: Value = this.outputValue(model.outputs, model.outputs.length > 1);
    const applied = new Set(model.outputs.flatMap((t) => this.layersUpTo(t)));
    for (const id of model.layers.slice(0, model.unknown?.at)) {
      if (applied.has(id) && model.built) continue;
      current = this.callLayer(id, { positional: [current], keywords: new Map(), keywordNodes: new Map() }, { node: site.node });
      if (current.kind === 'unknown' && current.tensor === undefined) break;
    }
    const outputs = this.modelTensors(current);
    model.built = outputs !== undefined;
    if (outputs) model.outputs = outputs;
    layer.params = model.built ? this.graph.sumParams(model.layers) : null;
    if (model.unknown) this.markSequentialUnknown(modelId);
  }

  /** The layers whose calls lead to a tensor of a Sequential built so far. */
  protected layersUpTo(tensor: number): number[] {
    const layers: number[] = [];
    let call = this.graph.producerAt(tensor);
    while (call) {
      layers.push(call.layer);
      call = call.inputs[0] === undefined ? undefined : this.graph.producerAt(call.inputs[0]);
    }
    return layers;
  }

  protected buildSequential(modelId: number, shape: Shape, site: CallSite): void {
    const model = this.graph.layers[modelId]!.model!;
    const input = this.makeInputLayer(this.graph.names.autoName('InputLayer'), shape, 'float32', rangeOf(site.node));
    model.inputs = [input.tensor];
    model.outputs = [input.tensor];
    model.built = false;
    this.rebuildSequential(modelId, site);
  }

  /** A model called on tensors: its graph replayed on them, inside one call of the model. */
  protected callModel(modelId: number, args: Arguments, site: CallSite): Value {
    const layer = this.graph.layers[modelId]!;
    const model = layer.model!;
    if (model.kind === 'subclassed') return this.callSubclassed(this.states.get(modelId)!.object!, args, site);
    const given = this.tensorInputs(args.positional[0] ?? args.keywords.get('inputs'), layer.name, site);
    if (!('tensors' in given)) return given.problem;
    if (model.kind === 'sequential' && model.inputs.length === 0 && given.tensors.length === 1) {
      this.buildSequential(modelId, [null, ...this.graph.tensors[given.tensors[0]!]!.shape.slice(1)], site);
    }
    if (!model.built)
      return unknown(model.unknown ? `model '${layer.name}': ${model.unknown.reason}` : `model '${layer.name}' is not built`);
    const range = rangeOf(site.node);
    // Its input shapes not known, what Keras checks the tensors given against is not known either.
    const unknownInput = model.inputs.find((t) => this.graph.tensors[t]!.unknown !== undefined);
    if (unknownInput !== undefined) {
      return this.unknownCall(modelId, given.tensors, given.isList, this.tensorValue(unknownInput) as UnknownValue, range);
    }
    if (given.tensors.length !== model.inputs.length) {
      const message = `Layer "${layer.name}" expects ${model.inputs.length} input(s), but it received ${given.tensors.length} input tensors.`;
      this.graph.report('error', range, message, 'shape-error');
      return { kind: 'unknown', reason: message, reported: true };
    }
    for (let i = 0; i < given.tensors.length; i++) {
      const expected = this.graph.tensors[model.inputs[i]!]!.shape;
      const found = this.graph.tensors[given.tensors[i]!]!.shape;
      if (!compatibleShapes(expected, found)) {
        const message = `Input ${i} of layer '${layer.name}' is incompatible with the layer: expected shape=${formatShape(expected)}, found shape=${formatShape(found)}`;
        this.graph.report('error', range, message, 'shape-error');
        return { kind: 'unknown', reason: message, reported: true };
      }
    }
    const composite = this.graph.reserveCall(modelId, range, this.parent);
    const mapped = new Map<number, number>(model.inputs.map((t, i) => [t, given.tensors[i]!]));
    this.parents.push(composite);
    try {
      for (const call of this.callsBetween(model.inputs, model.outputs)) {
        const inputs = call.inputs.map((t) => mapped.get(this.activatedOutputs.get(t) ?? t));
        if (inputs.some((t) => t === undefined)) continue;
        // Models, subclassed layers and layers that run a Python function of the file are called again as the file calls them.
        const state = this.states.get(call.layer);
        const nested =
          this.graph.layers[call.layer]!.model !== undefined ||
          state?.object !== undefined ||
          state?.followed !== undefined ||
          state?.activation !== undefined;
        const result = nested
          ? this.callLayer(
              call.layer,
              { positional: [this.outputValue(inputs as number[], call.inputIsList)], keywords: new Map(), keywordNodes: new Map() },
              site,
            )
          : this.applyLayer(call.layer, inputs as number[], call.inputIsList, range);
        const outputs = this.flattenTensors(result);
        if (!outputs) return result;
        call.outputs.forEach((t, i) => mapped.set(t, outputs[i]!));
      }
    } finally {
      this.parents.pop();
    }
    const outputs = model.outputs.map((t) => mapped.get(this.activatedOutputs.get(t) ?? t));
    if (outputs.some((t) => t === undefined)) {
      this.graph.completeCall(composite, given.tensors, given.isList, []);
      return unknown(`model '${layer.name}': its graph could not be followed from its inputs to its outputs`);
    }
    this.graph.completeCall(composite, given.tensors, given.isList, outputs as number[]);
    return this.outputValue(outputs as number[], model.outputs.length > 1);
  }

  /** The calls of a model's own graph, inputs to outputs, in the order they were made. */
  protected callsBetween(inputs: readonly number[], outputs: readonly number[]): LayerCall[] {
    const inputSet = new Set(inputs);
    const found = new Map<number, LayerCall>();
    // A model built inside a call (a Sequential inside a custom layer's call) has its calls one level down.
    const inputProducer = inputs[0] === undefined ? undefined : this.graph.tensors[inputs[0]]?.producer;
    const level = inputProducer && this.graph.calls[inputProducer.call]?.parent;
    const visit = (tensor: number): void => {
      if (inputSet.has(tensor)) return;
      const call = this.graph.producerAt(tensor, level);
      if (!call || found.has(call.id)) return;
      found.set(call.id, call);
      for (const input of call.inputs) visit(input);
    };
    for (const output of outputs) visit(output);
    return [...found.values()].sort((a, b) => a.id - b.id);
  }

  // ---- subclassed layers and models -----------------------------------------

  /** Where each subclassed layer or model was instantiated, its range in the graph. */
  protected readonly objectSites = new WeakMap<PythonObject, SourceRange>();

  registerSubclassed(object: PythonObject, site: CallSite): void {
    this.objectSites.set(object, rangeOf(site.node));
  }

  /** `super().__init__(name=…)` of a Keras subclass: the layer gets its name now. */
  applyBaseInit(object: PythonObject, args: Arguments): Value {
    if (object.layer !== undefined) return none;
    const nameValue = args.keywords.get('name');
    const className = object.cls.name;
    const name = nameValue?.kind === 'str' ? nameValue.value : this.graph.names.autoName(className);
    const range = this.objectSites.get(object) ?? { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    // `dtype` (a policy name or DTypePolicy; None is the global policy) and `autocast` are Layer.__init__'s.
    const dtypeGiven = args.keywords.get('dtype');
    const policy = dtypeGiven === undefined || dtypeGiven.kind === 'none' ? this.layerPolicy(className) : dtypeGiven;
    const dtype = policy === undefined ? null : (dtypePolicyName(policy) ?? this.toJson(policy));
    const unknownArgs = new Map<string, string>();
    if (dtype === undefined || (dtype !== null && typeof dtype !== 'string')) unknownArgs.set('dtype', unreadableReason(policy!));
    const autocast = args.keywords.get('autocast');
    const config: Record<string, LayerConfig[string]> = { name, trainable: true, dtype: typeof dtype === 'string' ? dtype : null };
    if (autocast?.kind === 'bool') config['autocast'] = autocast.value;
    else if (autocast !== undefined) unknownArgs.set('autocast', unreadableReason(autocast));
    const id = this.graph.addLayer(className, name, config, range);
    this.states.set(id, { unknownArgs, object });
    object.layer = id;
    if (object.cls.keras === 'Model') {
      this.graph.layers[id]!.model = { kind: 'subclassed', inputs: [], outputs: [], layers: [], built: false };
      this.graph.models.push(id);
    }
    return none;
  }

  /** The list attributes of Keras layers, by their items: what is appended to them later is tracked too. */
  private readonly trackedLists = new WeakMap<readonly Value[], PythonObject>();

  trackAttribute(object: PythonObject, value: Value): void {
    if (!object.cls.keras) return;
    if (object.layer === undefined) this.applyBaseInit(object, { positional: [], keywords: new Map(), keywordNodes: new Map() });
    const layer = this.graph.layers[object.layer!]!;
    const seen = new Set<readonly Value[]>();
    const track = (v: Value): void => {
      const id = v.kind === 'layer' ? v.layer : v.kind === 'object' ? v.object.layer : undefined;
      if (id !== undefined && id !== layer.id && !layer.children.includes(id)) {
        layer.children.push(id);
        if (layer.model) layer.model.layers.push(id);
      }
      if (v.kind === 'list') this.trackedLists.set(v.items, object);
      // A list may hold itself (`self.blocks.append(self.blocks)`).
      if (isSequence(v) && !seen.has(v.items)) {
        seen.add(v.items);
        v.items.forEach(track);
      }
    };
    track(value);
  }

  /** Items added to a list: tracked, in the order they come, when the list is an attribute of a Keras layer. */
  listGrew(list: readonly Value[], items: readonly Value[]): void {
    const owner = this.trackedLists.get(list);
    if (owner) for (const item of items) this.trackAttribute(owner, item);
  }

  callSubclassed(object: PythonObject, args: Arguments, site: CallSite): Value {
    if (object.layer === undefined) this.applyBaseInit(object, { positional: [], keywords: new Map(), keywordNodes: new Map() });
    const layerId = object.layer!;
    const layer = this.graph.layers[layerId]!;
    const given = this.tensorInputs(args.positional[0] ?? args.keywords.get('inputs'), layer.name, site);
    if (!('tensors' in given)) return given.problem;
    const self: Value = { kind: 'object', object };
    const policyProblem = ['dtype', 'autocast'].find((key) => this.states.get(layerId)!.unknownArgs.has(key));
    if (policyProblem) {
      return unknown(
        `${layer.name} depends on \`${policyProblem}\`, which is not known (${this.states.get(layerId)!.unknownArgs.get(policyProblem)})`,
      );
    }
    let unbuiltByKeras: number[] = [];
    if (!object.built) {
      object.built = true;
      const build = this.interpreter.classAttribute(object.cls, 'build');
      if (build?.kind === 'function') {
        const shapes = given.tensors.map((t) => tuple(this.graph.tensors[t]!.shape.map(dimValue)));
        const shapeValue: Value = given.isList ? { kind: 'list', items: shapes } : shapes[0]!;
        this.interpreter.invoke(build.fn, { positional: [shapeValue], keywords: new Map(), keywordNodes: new Map() }, self);
        // With its own build() and compute_output_shape(), Keras never runs call() symbolically: the sublayers only
        // call() would build stay unbuilt, with no weights, though the trace below builds them for evaluation.
        if (this.interpreter.classAttribute(object.cls, 'compute_output_shape')?.kind === 'function') {
          unbuiltByKeras = layer.children.filter((id) => this.graph.layers[id]!.params === null);
        }
      }
    }
    const callMethod = this.interpreter.classAttribute(object.cls, 'call');
    if (callMethod?.kind !== 'function') return unknown(`${object.cls.name} has no call() method`);
    const range = rangeOf(site.node);
    const composite = this.graph.reserveCall(layerId, range, this.parent);
    const tracing = this.traceDepth === 0;
    const inputs = tracing ? this.traceInputs(given.tensors) : given.tensors;
    const inputValue: Value = given.isList
      ? { kind: 'list', items: inputs.map((t) => ({ kind: 'tensor', tensor: t })) }
      : { kind: 'tensor', tensor: inputs[0]! };
    const compute = computeDtype(layer.config);
    const autocast = layer.config['autocast'] !== false;
    const outerScope = this.autocastScope;
    this.parents.push(composite);
    this.traceDepth++;
    let result: Value;
    try {
      // Layer.__call__ casts float tensor arguments to the compute dtype, then reads float variables in it where the
      // policy is mixed (or an outer layer's scope has another dtype), as Keras's AutocastScope does.
      const cast = (value: Value): Value => (autocast ? this.autocastArgument(value, compute, site) : value);
      this.autocastScope =
        outerScope !== undefined
          ? autocast && isFloatDtype(compute)
            ? compute
            : undefined
          : compute !== variableDtype(layer.config)
            ? compute
            : undefined;
      result = this.interpreter.invoke(
        callMethod.fn,
        {
          positional: [cast(inputValue), ...args.positional.slice(1).map(cast)],
          keywords: new Map([...args.keywords].filter(([k]) => k !== 'inputs').map(([k, v]) => [k, cast(v)])),
          keywordNodes: args.keywordNodes,
        },
        self,
      );
    } finally {
      this.autocastScope = outerScope;
      this.traceDepth--;
      this.parents.pop();
    }
    if (tracing) result = this.untraced(result);
    for (const id of unbuiltByKeras) if (this.graph.layers[id]!.params !== null) this.graph.layers[id]!.params = 0;
    let outputs = this.flattenTensors(result) ?? [];
    const declared = this.computedOutputShape(object, given, self);
    if (declared) {
      // Keras's output is what compute_output_shape says, in the layer's compute dtype, whatever call() traces.
      const dtype = computeDtype(layer.config);
      const traced = outputs.map((t) => this.graph.tensors[t]!);
      const same = traced.length === 1 && traced[0]!.dtype === dtype && formatShape(traced[0]!.shape) === formatShape(declared);
      if (!same) {
        outputs = [this.graph.addTensor(declared, dtype, false, { call: composite, index: 0 })];
        layer.evaluation = {
          refused:
            traced.length > 0
              ? `computes ${traced.map((t) => `${formatShape(t.shape)} ${t.dtype}`).join(', ')} in call(), not ${formatShape(declared)} ${dtype} as its compute_output_shape says`
              : `has a call() Tensor Lens does not follow (${result.kind === 'unknown' ? result.reason : `it returns a ${result.kind}`})`,
        };
        result = { kind: 'tensor', tensor: outputs[0]! };
      }
    }
    this.graph.completeCall(composite, given.tensors, given.isList, outputs);
    const childParams = this.graph.sumParams(layer.children);
    layer.params = childParams === null || object.ownParams === null ? null : childParams + object.ownParams;
    this.graph.setOwnWeights(layerId, { nonTrainable: object.ownNonTrainableParams, restored: 0, spared: 0 });
    if (layer.model && !layer.model.built) {
      layer.model.inputs = given.tensors;
      layer.model.outputs = outputs;
      layer.model.built = true;
    }
    return result;
  }

  /**
   * The tensors a call() is traced on, as Keras's JAX backend makes them: every None size is one named size
   * (`dynamic_dimension`), so that `ops.shape(x)[0]` is a size a reshape's -1 can divide. Each stands for the tensor
   * given (the same producer), with that shape.
   */
  private traceInputs(tensors: readonly number[]): number[] {
    return tensors.map((t) => this.reshapedAlias(t, (d) => (d === null ? symbolic(traceDimension) : d)));
  }

  private withTraceDimensions(value: Value): Value {
    if (value.kind === 'tensor') return { kind: 'tensor', tensor: this.traceInputs([value.tensor])[0]! };
    return value.kind === 'list' ? { kind: 'list', items: value.items.map((v) => this.withTraceDimensions(v)) } : value;
  }

  /** A tensor out of a trace: a size that depends on the traced size is None again, as Keras's spec of JAX's gives it. */
  private untracedTensor(tensor: number): number {
    return this.reshapedAlias(tensor, (d) => (dependsOnTrace(d) ? null : d));
  }

  /** The call's result with its tensors out of the trace. */
  private untraced(value: Value): Value {
    if (value.kind === 'tensor') return { kind: 'tensor', tensor: this.untracedTensor(value.tensor) };
    if (value.kind === 'tuple') return { kind: 'tuple', items: value.items.map((v) => this.untraced(v)) };
    if (value.kind === 'list') return { kind: 'list', items: value.items.map((v) => this.untraced(v)) };
    if (value.kind === 'dict') {
      const entries = new Map([...value.entries].map(([k, e]) => [k, { key: e.key, value: this.untraced(e.value) }]));
      return { kind: 'dict', entries };
    }
    return value;
  }

  /** The tensor itself where `map` changes no size, else a tensor of the mapped shape standing for it. */
  protected reshapedAlias(tensor: number, map: (d: Dim) => Dim): number {
    const node = this.graph.tensors[tensor]!;
    const shape = node.shape.map(map);
    if (shape.every((d, i) => d === node.shape[i])) return tensor;
    return this.graph.addTensor(shape, node.dtype, node.eager, node.producer, node.constant);
  }

  /** The one shape a subclassed layer's own `compute_output_shape` gives for the call's inputs, if it defines one. */
  private computedOutputShape(object: PythonObject, given: { tensors: number[]; isList: boolean }, self: Value): Shape | undefined {
    const method = this.interpreter.classAttribute(object.cls, 'compute_output_shape');
    if (method?.kind !== 'function') return undefined;
    const shapes = given.tensors.map((t) => tuple(this.graph.tensors[t]!.shape.map(dimValue)));
    const shapeValue: Value = given.isList ? { kind: 'list', items: shapes } : shapes[0]!;
    const returned = this.interpreter.invoke(method.fn, { positional: [shapeValue], keywords: new Map(), keywordNodes: new Map() }, self);
    return shapeArgument(returned);
  }

  /**
   * A Lambda called on tensors: its function followed on them, inside one call of the layer. The output is what Keras's
   * `Lambda.compute_output_shape` gives: the function's shapes, or `(batch,) + output_shape` when that is given, in the
   * layer's compute dtype (the function's result is cast to it).
   */
  protected callFunctionLayer(layerId: number, followed: FollowedFunction, args: Arguments, site: CallSite): Value {
    const layer = this.graph.layers[layerId]!;
    layer.params = 0;
    const given = this.tensorInputs(args.positional[0] ?? args.keywords.get('inputs'), layer.name, site);
    if (!('tensors' in given)) return given.problem;
    const keywords = new Map<string, Value>();
    if (followed.arguments?.kind === 'dict') {
      for (const { key, value } of followed.arguments.entries.values()) if (key.kind === 'str') keywords.set(key.value, value);
    } else if (followed.arguments && followed.arguments.kind !== 'none') return unknown('the `arguments` of this Lambda are not known');
    const inputValue: Value = given.isList
      ? { kind: 'list', items: given.tensors.map((t) => ({ kind: 'tensor', tensor: t })) }
      : { kind: 'tensor', tensor: given.tensors[0]! };
    const dtype = computeDtype(layer.config);
    // An eager call gives what the function computes; `output_shape` is what Keras says of symbolic calls.
    const eager = given.tensors.every((t) => this.graph.tensors[t]!.eager);
    const declared = eager ? undefined : this.declaredOutputShape(followed.outputShape, given.tensors[0]!, site);
    if (declared && 'problem' in declared) return declared.problem;
    const composite = this.graph.reserveCall(layerId, rangeOf(site.node), this.parent);
    const tracing = this.traceDepth === 0;
    const traceValue = tracing ? this.withTraceDimensions(inputValue) : inputValue;
    this.parents.push(composite);
    this.traceDepth++;
    let result: Value;
    let outputs: number[] | undefined;
    try {
      result = this.interpreter.call(followed.fn, { positional: [traceValue], keywords, keywordNodes: new Map() }, site);
      outputs = this.flattenTensors(result)?.map((t) => this.castTo(t, dtype, site));
    } finally {
      this.traceDepth--;
      this.parents.pop();
    }
    if (tracing && outputs) outputs = outputs.map((t) => this.untracedTensor(t));
    const traced = outputs?.map((t) => this.graph.tensors[t]!.shape);
    if (declared && !(traced?.length === 1 && compatibleShapes(traced[0]!, declared.shape))) {
      // Keras gives the declared shape whatever the function computes: the engine cannot run it as declared.
      outputs = [this.graph.addTensor(declared.shape, dtype, false, { call: composite, index: 0 })];
      layer.evaluation = {
        refused: traced
          ? `computes ${traced.map(formatShape).join(', ')}, not its output_shape ${formatShape(declared.shape)}`
          : `has a function Tensor Lens does not follow (${result.kind === 'unknown' ? result.reason : `it returns a ${result.kind}`})`,
      };
      result = { kind: 'tensor', tensor: outputs[0]! };
    }
    this.graph.completeCall(composite, given.tensors, given.isList, outputs ?? []);
    if (!outputs) return result.kind === 'unknown' ? result : unknown(`this Lambda's function returns a ${result.kind}, not tensors`);
    if (result.kind === 'tensor') return { kind: 'tensor', tensor: outputs[0]! };
    const items = outputs.map((t): Value => ({ kind: 'tensor', tensor: t }));
    return result.kind === 'list' ? { kind: 'list', items } : { kind: 'tuple', items };
  }

  /** A Lambda's `output_shape`: a shape without the batch size, or a function of the input shape. */
  private declaredOutputShape(value: Value | undefined, input: number, site: CallSite): { shape: Shape } | { problem: Value } | undefined {
    if (!value || value.kind === 'none') return undefined;
    const inputShape = this.graph.tensors[input]!.shape;
    if (value.kind === 'function' || value.kind === 'builtin') {
      const shape = shapeArgument(
        this.interpreter.call(value, { positional: [tuple(inputShape.map(dimValue))], keywords: new Map(), keywordNodes: new Map() }, site),
      );
      return shape ? { shape } : { problem: unknown("this Lambda's output_shape function gives no shape Tensor Lens can read") };
    }
    if (value.kind === 'int') {
      // Keras adds the batch size to it as a tuple: `(batch_size,) + 4` raises.
      const message = 'can only concatenate tuple (not "int") to tuple';
      this.graph.report('error', rangeOf(site.node), message, 'shape-error');
      return { problem: { kind: 'unknown', reason: message, reported: true } };
    }
    const shape = shapeArgument(value);
    return shape ? { shape: [inputShape[0] ?? null, ...shape] } : { problem: unknown("this Lambda's output_shape is not known") };
  }

  /** Tensors of float dtype among a layer call's arguments, cast to its compute dtype (DTypePolicy.convert_input). */
  private autocastArgument(value: Value, dtype: string, site: CallSite): Value {
    if (value.kind === 'tensor') {
      const given = this.graph.tensors[value.tensor]!.dtype;
      return isFloatDtype(given) && given !== dtype ? { kind: 'tensor', tensor: this.castTo(value.tensor, dtype, site) } : value;
    }
    if (value.kind === 'list' || value.kind === 'tuple')
      return { kind: value.kind, items: value.items.map((v) => this.autocastArgument(v, dtype, site)) };
    return value;
  }

  subclassedAttribute(object: PythonObject, name: string, node: Node): Value {
    const self: Value = { kind: 'object', object };
    if (name === 'add_weight') {
      return {
        kind: 'builtin',
        name: 'add_weight',
        call: (args, site) => {
          // Keras 3 takes shape, initializer and dtype by position, as Keras 2 did, but a name only by keyword.
          const arg = (keyword: string, position: number): Value | undefined => args.keywords.get(keyword) ?? args.positional[position];
          const first = args.positional[0];
          if (first?.kind === 'str') {
            const message = `\`name\` must be passed as a keyword argument. Received: add_weight('${first.value}', ...). Use: add_weight(shape=..., name='${first.value}').`;
            this.graph.report('error', rangeOf(site.node), message, 'invalid-argument');
            return { kind: 'unknown', reason: message, reported: true };
          }
          const shape = shapeArgument(arg('shape', 0) ?? tuple([]));
          const size = shape?.every(isKnown) ? (shape as number[]).reduce((a, b) => a * b, 1) : null;
          object.ownParams = object.ownParams === null || size === null ? null : object.ownParams + size;
          const flag = args.keywords.get('trainable') ?? args.positional[3];
          const frozen = flag === undefined || (flag.kind === 'bool' && flag.value) ? 0 : flag.kind === 'bool' ? size : null;
          object.ownNonTrainableParams =
            object.ownNonTrainableParams === null || frozen === null ? null : object.ownNonTrainableParams + frozen;
          if (!shape) return unknown('the shape of this weight is not known');
          const dtype = this.variableDtype(arg('dtype', 2), variableDtype(this.graph.layers[object.layer!]!.config));
          if (typeof dtype !== 'string') return dtype;
          const name = args.keywords.get('name');
          const what = `the weight${name?.kind === 'str' ? ` \`${name.value}\`` : ''} of ${object.cls.name}`;
          // A variable: an eager tensor of its shape, whose numbers are the weights file's or its initializer's.
          const source: ArraySource =
            flag === undefined || flag.kind === 'bool'
              ? {
                  kind: 'variable',
                  layer: object.layer!,
                  name: name?.kind === 'str' ? name.value : null,
                  trainable: flag?.kind !== 'bool' || flag.value,
                  initializer: this.variableInitializer(arg('initializer', 1), dtype),
                }
              : { kind: 'unknown', reason: `${what}, made by add_weight with a \`trainable\` that is not known` };
          return { kind: 'tensor', tensor: this.graph.addTensor(shape, dtype, true, undefined, source) };
        },
      };
    }
    if (name === 'build') {
      return {
        kind: 'builtin',
        name: 'build',
        call: (args, site) => {
          const shape = shapeArgument(args.positional[0] ?? args.keywords.get('input_shape'));
          if (!shape) return none;
          const input = this.graph.addTensor(shape, 'float32', false);
          this.callSubclassed(
            object,
            { positional: [{ kind: 'tensor', tensor: input }], keywords: new Map(), keywordNodes: new Map() },
            site,
          );
          return none;
        },
      };
    }
    if (object.layer === undefined) this.applyBaseInit(object, { positional: [], keywords: new Map(), keywordNodes: new Map() });
    return (
      this.attribute({ kind: 'layer', layer: object.layer! }, name, node, self) ??
      unknown(`${object.cls.name} has no attribute \`${name}\``)
    );
  }

  /** `add_weight`'s dtype: the layer's variable dtype when None, or why it is not known. */
  private variableDtype(given: Value | undefined, layerDefault: string): string | Value {
    const json = given === undefined ? null : this.toJson(given);
    if (json === undefined) return unknown('the dtype of this weight is not known');
    if (json === null) return layerDefault;
    try {
      return standardizeDtype(json);
    } catch (error) {
      if (error instanceof OpNotKnown || error instanceof LayerError) return unknown(`the dtype of this weight: ${error.message}`);
      throw error;
    }
  }

  /** Keras's default: glorot_uniform for a float variable, zeros for the others. */
  private variableInitializer(given: Value | undefined, dtype: string): VariableSource['initializer'] {
    if (given === undefined || given.kind === 'none') return { known: dtype.includes('float') ? 'glorot_uniform' : 'zeros' };
    const json = this.toJson(given);
    return json === undefined
      ? { unknown: given.kind === 'unknown' ? given.reason : `a ${given.kind} is not read as an initializer` }
      : { known: json };
  }

  superAttribute(object: PythonObject, name: string): Value {
    if (name === '__init__') return { kind: 'builtin', name: '__init__', call: (args) => this.applyBaseInit(object, args) };
    if (name === 'build') return { kind: 'builtin', name: 'build', call: () => none };
    return unknown(`super().${name} is not modelled`);
  }

  abstract attribute(value: Value, name: string, node: Node, self?: Value): Value | undefined;
}
