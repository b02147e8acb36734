// Keras semantics for the interpreter: making layers from their signatures,
// calling them on tensors through the shape rules, and the models built from
// them (functional, Sequential, subclassed), as Keras 3 does it.

import type { ArrayFeed, ArraySource, JsonValue, LayerCall, SourceRange } from '../graph/ir.js';
import { formatShape, isKnown, isSymbolic, sameDim, type Dim, type Shape } from '../graph/shape.js';
import type { Interpreter } from './interpreter.js';
import { rangeOf } from './interpreter.js';
import { baseLayerKeywords, isKerasLayerClass, layerSpec, type LayerSpec } from './keras/registry.js';
import { LayerError, type InputSpec, type LayerConfig, type LayerOutput, type RuleContext } from './keras/rule.js';
import { pythonRepr } from './keras/rules/util.js';
import type { Node } from './python/parser.js';
import { shapeArgument } from './builtins.js';
import { broadcastShapes, indexToJson, sliceShape } from './tensor-ops.js';
import { type Arguments, type CallSite, int, isSequence, none, type PythonObject, str, tuple, unknown, type Value } from './values.js';

interface LayerState {
  readonly spec?: LayerSpec;
  /** Arguments whose values the analysis does not know, with the reason. */
  readonly unknownArgs: Map<string, string>;
  /** From `input_shape=`/`input_dim=`/`batch_input_shape=`: where a Sequential starts. */
  readonly inputShape?: Shape;
  built?: InputSpec;
  object?: PythonObject;
}

type TensorValue = Extract<Value, { kind: 'tensor' }>;

const symbolicTensorError =
  "A KerasTensor is symbolic: it's a placeholder for a shape and a dtype. It doesn't have any actual numerical value. You cannot convert it to a NumPy array.";

export class KerasRuntime {
  private readonly states = new Map<number, LayerState>();
  private readonly parents: (number | undefined)[] = [undefined];

  constructor(private readonly interpreter: Interpreter) {}

  private get graph() {
    return this.interpreter.graph;
  }

  private get parent(): number | undefined {
    return this.parents.at(-1);
  }

  // ---- layers --------------------------------------------------------------

  createLayer(className: string, args: Arguments, site: CallSite): Value {
    const spec = layerSpec(className)!;
    const range = rangeOf(site.node);
    const config: Record<string, JsonValue> = {};
    const unknownArgs = new Map<string, string>();
    const set = (key: string, value: Value): void => {
      const json = this.toJson(value);
      if (json === undefined) unknownArgs.set(key, value.kind === 'unknown' ? value.reason : `a ${value.kind} cannot be analysed here`);
      config[key] = json ?? null;
    };
    const positional = spec.parameters.filter((p) => p.kind === 'positional');
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
      if (spec.parameters.some((p) => p.name === key && (p.kind === 'positional' || p.kind === 'keyword'))) {
        if (key === 'name' && value.kind === 'str') name = value.value;
        set(key, value);
      } else if (baseLayerKeywords.has(key)) {
        if (key === 'name' && value.kind === 'str') name = value.value;
        else if (key === 'input_shape') inputShape = [null, ...(shapeArgument(value) ?? [])];
        else if (key === 'input_dim' && value.kind === 'int') inputShape = [null, value.value];
        else if (key === 'batch_input_shape') inputShape = shapeArgument(value);
        else set(key, value);
      } else {
        unrecognized.push(`'${key}': ${pythonRepr(this.toJson(value) ?? null)}`);
        const keywordNode = args.keywordNodes.get(key);
        this.graph.report(
          'warning',
          keywordNode ? rangeOf(keywordNode) : range,
          `Unrecognized keyword arguments passed to ${className}: {${unrecognized.at(-1)}}`,
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
    for (const parameter of spec.parameters) {
      if (parameter.kind !== '*' && parameter.kind !== '**' && !(parameter.name in config) && 'default' in parameter) {
        config[parameter.name] = parameter.default ?? null;
      }
    }
    let normalized: LayerConfig = config;
    try {
      normalized = spec.rule?.normalize?.(config) ?? config;
    } catch (error) {
      if (!(error instanceof LayerError)) throw error;
      if (unknownArgs.size === 0) this.graph.report('error', range, error.message, 'invalid-argument');
    }
    const layerName = name ?? this.graph.names.autoName(className);
    const full = { name: layerName, trainable: true, dtype: config['dtype'] ?? null, ...normalized };
    if (className === 'Bidirectional') this.nameWrappedLayers(full);
    const id = this.graph.addLayer(className, layerName, full, range);
    this.states.set(id, { spec, unknownArgs, ...(inputShape ? { inputShape } : {}) });
    return { kind: 'layer', layer: id };
  }

  /** Keras names the two copies inside Bidirectional `forward_<name>` and `backward_<name>`. */
  private nameWrappedLayers(config: Record<string, JsonValue>): void {
    const inner = config['layer'];
    if (inner && typeof inner === 'object' && !Array.isArray(inner)) {
      const innerConfig = inner['config'];
      if (innerConfig && typeof innerConfig === 'object' && !Array.isArray(innerConfig) && typeof innerConfig['name'] === 'string') {
        config['forward_layer_name'] = `forward_${innerConfig['name']}`;
        config['backward_layer_name'] = `backward_${innerConfig['name']}`;
      }
    }
  }

  /** A value as it appears in a Keras config; undefined when it is not known. */
  private toJson(value: Value): JsonValue | undefined {
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
    if (layer.model) return this.callModel(layerId, args, site);
    if (state?.object) return this.callSubclassed(state.object, args, site);
    const inputs = this.tensorInputs(args.positional[0] ?? args.keywords.get('inputs'), layer.name, site);
    if (!('tensors' in inputs)) return inputs.problem;
    return this.applyLayer(layerId, inputs.tensors, inputs.isList, rangeOf(site.node));
  }

  /** Runs one layer's shape rule on tensors and records the call. */
  private applyLayer(layerId: number, inputs: number[], inputIsList: boolean, range: SourceRange): Value {
    const layer = this.graph.layers[layerId]!;
    const state = this.states.get(layerId)!;
    const rule = state.spec?.rule;
    if (!rule) return unknown(`the shapes of ${layer.className} are not modelled`);
    if (inputs.length === 0) return unknown(`layer '${layer.name}' was called on an empty list`);
    const shapes = inputs.map((t) => this.graph.tensors[t]!.shape);
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
      output = rule.compute(layer.config, shapes, this.ruleContext);
    } catch (error) {
      if (!(error instanceof LayerError)) throw error;
      if (state.unknownArgs.size > 0) {
        const [argument, reason] = [...state.unknownArgs][0]!;
        return unknown(`${layer.className} '${layer.name}' depends on \`${argument}\`, which is not known (${reason})`);
      }
      this.graph.report('error', range, error.message, 'shape-error');
      return { kind: 'unknown', reason: error.message, reported: true };
    }
    for (const warning of output.warnings ?? []) this.graph.report('warning', range, warning, 'shape-warning');
    if (layer.calls.length === 0) {
      layer.params = output.params;
      if (output.built) state.built = output.built;
    }
    const dtype = output.dtype ?? (typeof layer.config['dtype'] === 'string' ? layer.config['dtype'] : 'float32');
    const eager = inputs.some((t) => this.graph.tensors[t]!.eager);
    const call = this.graph.addCall(
      layerId,
      inputs,
      inputIsList,
      output.outputs.map((shape) => ({ shape, dtype })),
      eager,
      range,
      this.parent,
    );
    return this.outputValue(call.outputs, output.outputIsList === true || call.outputs.length > 1);
  }

  private readonly ruleContext: RuleContext = {
    inner: (layer, inputs) => {
      const spec = layerSpec(layer.class_name);
      if (!spec?.rule) throw new LayerError(`Layer ${layer.class_name} cannot be wrapped here`);
      const config: Record<string, JsonValue> = {};
      for (const p of spec.parameters) if ('default' in p) config[p.name] = p.default ?? null;
      Object.assign(config, layer.config);
      return spec.rule.compute(config, inputs, this.ruleContext);
    },
  };

  private outputValue(tensors: readonly number[], asList: boolean): Value {
    if (!asList && tensors.length === 1) return { kind: 'tensor', tensor: tensors[0]! };
    return { kind: 'list', items: tensors.map((t) => ({ kind: 'tensor', tensor: t })) };
  }

  /** The tensors a layer is called on: one, or a list; arrays become constant (eager) tensors. */
  private tensorInputs(
    value: Value | undefined,
    layerName: string,
    site: CallSite,
  ): { tensors: number[]; isList: boolean } | { problem: Value } {
    const one = (v: Value): number | Value => {
      if (v.kind === 'tensor') return v.tensor;
      if (v.kind === 'array') {
        const t = this.constantTensor(v.shape, v.dtype === 'float64' ? 'float32' : v.dtype, v.source);
        return (t as TensorValue).tensor;
      }
      return v;
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
      const message = isKerasLayerClass(name)
        ? `Layer ${name} is not supported by Tensor Lens yet: tensors after it are not analysed.`
        : `Unknown layer ${name}: keras.layers has no such class, and tensors after it are not analysed.`;
      this.graph.report('information', rangeOf(site.node), message, 'unknown-layer');
      return { kind: 'unknown', reason: message, reported: true };
    }
    return unknown(`\`${path}\` is not modelled by Tensor Lens`);
  }

  // ---- inputs and models ------------------------------------------------------

  input(args: Arguments, site: CallSite): Value {
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
    if (!shape) {
      const unknownPart =
        shapeValue?.kind === 'unknown'
          ? shapeValue
          : shapeValue && isSequence(shapeValue)
            ? shapeValue.items.find((v) => v.kind === 'unknown')
            : undefined;
      return unknown(unknownPart?.kind === 'unknown' ? unknownPart.reason : 'keras.Input needs a known `shape`');
    }
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

  private makeInputLayer(name: string, shape: Shape, dtype: string, range: SourceRange): TensorValue {
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
    const inputs = this.flattenTensors(args.keywords.get('inputs') ?? args.positional[0]);
    const outputs = this.flattenTensors(args.keywords.get('outputs') ?? args.positional[1]);
    if (!inputs || !outputs) return unknown('the inputs or outputs of this model are not known tensors');
    const nameValue = args.keywords.get('name');
    const name = nameValue?.kind === 'str' ? nameValue.value : this.graph.names.autoName('Functional');
    const id = this.graph.addLayer('Functional', name, { name, trainable: true }, rangeOf(site.node));
    const layers = this.graph.kerasLayerOrder(inputs, outputs);
    const layer = this.graph.layers[id]!;
    layer.model = { kind: 'functional', inputs, outputs, layers, built: true };
    layer.children.push(...layers);
    layer.params = this.graph.sumParams(layers);
    this.states.set(id, { unknownArgs: new Map() });
    this.graph.models.push(id);
    return { kind: 'layer', layer: id };
  }

  private flattenTensors(value: Value | undefined): number[] | undefined {
    if (!value) return undefined;
    if (value.kind === 'tensor') return [value.tensor];
    const items = isSequence(value) ? value.items : value.kind === 'dict' ? [...value.entries.values()].map((e) => e.value) : undefined;
    if (!items) return undefined;
    const tensors = items.map((v) => (v.kind === 'tensor' ? v.tensor : undefined));
    return tensors.every((t) => t !== undefined) ? (tensors as number[]) : undefined;
  }

  sequential(args: Arguments, site: CallSite): Value {
    const nameValue = args.keywords.get('name') ?? args.positional[1];
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

  private sequentialAdd(modelId: number, item: Value, site: CallSite, rebuild: boolean): void {
    const model = this.graph.layers[modelId]!.model!;
    if (item.kind === 'tensor' && model.inputs.length === 0 && model.layers.length === 0) {
      model.inputs = [item.tensor];
      model.outputs = [item.tensor];
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

  private markSequentialUnknown(modelId: number): void {
    const layer = this.graph.layers[modelId]!;
    layer.model!.built = false;
    layer.params = null;
  }

  /** Keras rebuilds a Sequential after each change once it knows its input; each build names a Functional. */
  private rebuildSequential(modelId: number, site: CallSite): void {
    const layer = this.graph.layers[modelId]!;
    const model = layer.model!;
    if (model.inputs.length === 0 || model.layers.length === 0) return;
    this.graph.names.uniquify('functional');
    let current: Value = this.outputValue(model.outputs, model.outputs.length > 1);
    const applied = new Set(model.outputs.flatMap((t) => this.layersUpTo(t)));
    for (const id of model.layers.slice(0, model.unknown?.at)) {
      if (applied.has(id) && model.built) continue;
      current = this.callLayer(id, { positional: [current], keywords: new Map(), keywordNodes: new Map() }, { node: site.node });
      if (current.kind === 'unknown') break;
    }
    const outputs = this.flattenTensors(current);
    model.built = outputs !== undefined;
    if (outputs) model.outputs = outputs;
    layer.params = model.built ? this.graph.sumParams(model.layers) : null;
    if (model.unknown) this.markSequentialUnknown(modelId);
  }

  /** The layers whose calls lead to a tensor of a Sequential built so far. */
  private layersUpTo(tensor: number): number[] {
    const layers: number[] = [];
    let call = this.graph.producerAt(tensor);
    while (call) {
      layers.push(call.layer);
      call = call.inputs[0] === undefined ? undefined : this.graph.producerAt(call.inputs[0]);
    }
    return layers;
  }

  private buildSequential(modelId: number, shape: Shape, site: CallSite): void {
    const model = this.graph.layers[modelId]!.model!;
    const input = this.makeInputLayer(this.graph.names.autoName('InputLayer'), shape, 'float32', rangeOf(site.node));
    model.inputs = [input.tensor];
    model.outputs = [input.tensor];
    model.built = false;
    this.rebuildSequential(modelId, site);
  }

  /** A model called on tensors: its graph replayed on them, inside one call of the model. */
  private callModel(modelId: number, args: Arguments, site: CallSite): Value {
    const layer = this.graph.layers[modelId]!;
    const model = layer.model!;
    if (model.kind === 'subclassed') return this.callSubclassed(this.states.get(modelId)!.object!, args, site);
    const given = this.tensorInputs(args.positional[0] ?? args.keywords.get('inputs'), layer.name, site);
    if (!('tensors' in given)) return given.problem;
    if (model.kind === 'sequential' && model.inputs.length === 0 && given.tensors.length === 1) {
      this.buildSequential(modelId, [null, ...this.graph.tensors[given.tensors[0]!]!.shape.slice(1)], site);
    }
    if (!model.built) return unknown(`model '${layer.name}' is not built`);
    const range = rangeOf(site.node);
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
        const inputs = call.inputs.map((t) => mapped.get(t));
        if (inputs.some((t) => t === undefined)) continue;
        const nested = this.graph.layers[call.layer]!.model !== undefined || this.states.get(call.layer)?.object !== undefined;
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
    const outputs = model.outputs.map((t) => mapped.get(t)!);
    this.graph.completeCall(composite, given.tensors, given.isList, outputs);
    return this.outputValue(outputs, model.outputs.length > 1);
  }

  /** The calls of a model's own graph, inputs to outputs, in the order they were made. */
  private callsBetween(inputs: readonly number[], outputs: readonly number[]): LayerCall[] {
    const inputSet = new Set(inputs);
    const found = new Map<number, LayerCall>();
    const visit = (tensor: number): void => {
      if (inputSet.has(tensor)) return;
      const call = this.graph.producerAt(tensor);
      if (!call || found.has(call.id)) return;
      found.set(call.id, call);
      for (const input of call.inputs) visit(input);
    };
    for (const output of outputs) visit(output);
    return [...found.values()].sort((a, b) => a.id - b.id);
  }

  // ---- subclassed layers and models -----------------------------------------

  /** Where each subclassed layer or model was instantiated, its range in the graph. */
  private readonly objectSites = new WeakMap<PythonObject, SourceRange>();

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
    const id = this.graph.addLayer(className, name, { name, trainable: true }, range);
    this.states.set(id, { unknownArgs: new Map(), object });
    object.layer = id;
    if (object.cls.keras === 'Model') {
      this.graph.layers[id]!.model = { kind: 'subclassed', inputs: [], outputs: [], layers: [], built: false };
      this.graph.models.push(id);
    }
    return none;
  }

  trackAttribute(object: PythonObject, value: Value): void {
    if (!object.cls.keras) return;
    if (object.layer === undefined) this.applyBaseInit(object, { positional: [], keywords: new Map(), keywordNodes: new Map() });
    const layer = this.graph.layers[object.layer!]!;
    const track = (v: Value): void => {
      const id = v.kind === 'layer' ? v.layer : v.kind === 'object' ? v.object.layer : undefined;
      if (id !== undefined && id !== layer.id && !layer.children.includes(id)) {
        layer.children.push(id);
        if (layer.model) layer.model.layers.push(id);
      }
      if (isSequence(v)) v.items.forEach(track);
    };
    track(value);
  }

  callSubclassed(object: PythonObject, args: Arguments, site: CallSite): Value {
    if (object.layer === undefined) this.applyBaseInit(object, { positional: [], keywords: new Map(), keywordNodes: new Map() });
    const layerId = object.layer!;
    const layer = this.graph.layers[layerId]!;
    const given = this.tensorInputs(args.positional[0] ?? args.keywords.get('inputs'), layer.name, site);
    if (!('tensors' in given)) return given.problem;
    const self: Value = { kind: 'object', object };
    const first = this.graph.tensors[given.tensors[0]!]!;
    if (!object.built) {
      object.built = true;
      const build = this.interpreter.classAttribute(object.cls, 'build');
      if (build?.kind === 'function') {
        const shapeValue = tuple(first.shape.map(dimValue));
        this.interpreter.invoke(build.fn, { positional: [shapeValue], keywords: new Map(), keywordNodes: new Map() }, self);
      }
    }
    const callMethod = this.interpreter.classAttribute(object.cls, 'call');
    if (callMethod?.kind !== 'function') return unknown(`${object.cls.name} has no call() method`);
    const range = rangeOf(site.node);
    const composite = this.graph.reserveCall(layerId, range, this.parent);
    const inputValue: Value = given.isList
      ? { kind: 'list', items: given.tensors.map((t) => ({ kind: 'tensor', tensor: t })) }
      : { kind: 'tensor', tensor: given.tensors[0]! };
    this.parents.push(composite);
    let result: Value;
    try {
      result = this.interpreter.invoke(
        callMethod.fn,
        {
          positional: [inputValue, ...args.positional.slice(1)],
          keywords: new Map([...args.keywords].filter(([k]) => k !== 'inputs')),
          keywordNodes: args.keywordNodes,
        },
        self,
      );
    } finally {
      this.parents.pop();
    }
    const outputs = this.flattenTensors(result) ?? [];
    this.graph.completeCall(composite, given.tensors, given.isList, outputs);
    const childParams = this.graph.sumParams(layer.children);
    layer.params = childParams === null || object.ownParams === null ? null : childParams + object.ownParams;
    if (layer.model && !layer.model.built) {
      layer.model.inputs = given.tensors;
      layer.model.outputs = outputs;
      layer.model.built = true;
    }
    return result;
  }

  subclassedAttribute(object: PythonObject, name: string, node: Node): Value {
    const self: Value = { kind: 'object', object };
    if (name === 'add_weight') {
      return {
        kind: 'builtin',
        name: 'add_weight',
        call: (args) => {
          const shape = shapeArgument(args.keywords.get('shape') ?? args.positional[0] ?? tuple([]));
          const size = shape?.every(isKnown) ? (shape as number[]).reduce((a, b) => a * b, 1) : null;
          object.ownParams = object.ownParams === null || size === null ? null : object.ownParams + size;
          return unknown('a weight variable');
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

  superAttribute(object: PythonObject, name: string): Value {
    if (name === '__init__') return { kind: 'builtin', name: '__init__', call: (args) => this.applyBaseInit(object, args) };
    if (name === 'build') return { kind: 'builtin', name: 'build', call: () => none };
    return unknown(`super().${name} is not modelled`);
  }

  // ---- attributes --------------------------------------------------------------

  attribute(value: Value, name: string, node: Node, self?: Value): Value | undefined {
    if (value.kind === 'tensor') return this.tensorAttribute(value.tensor, name, node);
    if (value.kind === 'array') return arrayAttribute(value, name);
    if (value.kind !== 'layer') return undefined;
    const layer = this.graph.layers[value.layer]!;
    const model = layer.model;
    const firstCall = layer.calls[0] === undefined ? undefined : this.graph.calls[layer.calls[0]]!;
    const method = (fn: (args: Arguments, site: CallSite) => Value): Value => ({
      kind: 'builtin',
      name,
      call: fn,
      ...(self ? { self } : {}),
    });
    switch (name) {
      case 'name':
        return str(layer.name);
      case 'output':
      case 'outputs': {
        const outputs = model?.built ? model.outputs : firstCall?.outputs;
        if (!outputs || outputs.length === 0) return unknown(`layer '${layer.name}' has not been called yet, so it has no output`);
        return name === 'outputs' ? this.outputValue(outputs, true) : this.outputValue(outputs, outputs.length > 1);
      }
      case 'input':
      case 'inputs': {
        const inputs = model?.built ? model.inputs : firstCall?.inputs;
        if (!inputs || inputs.length === 0) return unknown(`layer '${layer.name}' has not been called yet, so it has no input`);
        return name === 'inputs' ? this.outputValue(inputs, true) : this.outputValue(inputs, inputs.length > 1);
      }
      case 'layers':
        return model ? { kind: 'list', items: model.layers.map((id) => this.layerValue(id)) } : undefined;
      case 'get_layer':
        return method((args, site) => this.getLayer(value.layer, args, site));
      case 'add':
        return model?.kind === 'sequential'
          ? method((args, site) => {
              if (args.positional[0]) this.sequentialAdd(value.layer, args.positional[0], site, true);
              return none;
            })
          : undefined;
      case 'build':
        return method((args, site) => {
          const shape = shapeArgument(args.positional[0] ?? args.keywords.get('input_shape'));
          if (shape && model?.kind === 'sequential' && model.inputs.length === 0) this.buildSequential(value.layer, shape, site);
          return none;
        });
      case 'predict':
      case 'predict_on_batch':
        return method((args, site) => this.predict(value.layer, args, site));
      case 'count_params':
        return method(() => (layer.params === null ? unknown(`the parameter count of '${layer.name}' is not known`) : int(layer.params)));
      case 'summary':
      case 'compile':
      case 'fit':
      case 'evaluate':
      case 'save':
      case 'save_weights':
      case 'load_weights':
        return method(() => none);
      case 'input_shape':
      case 'output_shape': {
        const tensors =
          name === 'input_shape' ? (model?.built ? model.inputs : firstCall?.inputs) : model?.built ? model.outputs : firstCall?.outputs;
        const t = tensors?.[0];
        return t === undefined
          ? unknown(`layer '${layer.name}' has not been called yet`)
          : tuple(this.graph.tensors[t]!.shape.map(dimValue));
      }
      default: {
        if (name in layer.config) return jsonValue(layer.config[name]!);
        return undefined;
      }
    }
  }

  private layerValue(id: number): Value {
    const object = this.states.get(id)?.object;
    return object ? { kind: 'object', object } : { kind: 'layer', layer: id };
  }

  private getLayer(modelId: number, args: Arguments, site: CallSite): Value {
    const model = this.graph.layers[modelId]!.model;
    if (!model) return unknown('get_layer() of a layer that is not a model');
    const nameValue = args.keywords.get('name') ?? args.positional[0];
    const indexValue = args.keywords.get('index') ?? args.positional[1];
    if (indexValue?.kind === 'int') {
      const id = model.layers[indexValue.value];
      return id === undefined ? unknown(`index ${indexValue.value} out of range`) : this.layerValue(id);
    }
    if (nameValue?.kind !== 'str') return unknown('get_layer() with an unknown name');
    const id = model.layers.find((l) => this.graph.layers[l]!.name === nameValue.value);
    if (id !== undefined) return this.layerValue(id);
    const existing = model.layers.map((l) => `'${this.graph.layers[l]!.name}'`).join(', ');
    const message = `No such layer: ${nameValue.value}. Existing layers are: [${existing}].`;
    this.graph.report('error', rangeOf(site.node), message, 'no-such-layer');
    return { kind: 'unknown', reason: message, reported: true };
  }

  private tensorAttribute(tensor: number, name: string, node: Node): Value | undefined {
    const t = this.graph.tensors[tensor]!;
    switch (name) {
      case 'shape':
        return tuple(t.shape.map(dimValue));
      case 'dtype':
        return str(t.dtype);
      case 'ndim':
        return int(t.shape.length);
      case 'numpy':
        return {
          kind: 'builtin',
          name: 'numpy',
          call: () => {
            if (!t.eager) {
              this.graph.report('error', rangeOf(node), symbolicTensorError, 'symbolic-to-numpy');
              return { kind: 'unknown', reason: symbolicTensorError, reported: true };
            }
            return {
              kind: 'array',
              shape: t.shape,
              dtype: t.dtype,
              source: { kind: 'evaluation', tensors: [tensor], feeds: this.feedsOf([tensor]) },
            };
          },
        };
      default:
        return undefined;
    }
  }

  /** The constant tensors the given tensors were computed from, with the source of their numbers. */
  private feedsOf(tensors: readonly number[]): ArrayFeed[] {
    const feeds: ArrayFeed[] = [];
    const seen = new Set<number>();
    const visit = (tensor: number): void => {
      if (seen.has(tensor)) return;
      seen.add(tensor);
      const node = this.graph.tensors[tensor]!;
      if (node.constant) feeds.push({ input: tensor, shape: node.shape, source: node.constant });
      const producer = this.graph.tensors[tensor]!.producer;
      if (producer) for (const input of this.graph.calls[producer.call]!.inputs) visit(input);
    };
    tensors.forEach(visit);
    return feeds;
  }

  // ---- evaluation entry points in the file: K.function, predict -----------------

  kFunction(args: Arguments, _site: CallSite): Value {
    const inputs = this.flattenTensors(args.keywords.get('inputs') ?? args.positional[0]);
    const outputs = this.flattenTensors(args.keywords.get('outputs') ?? args.positional[1]);
    if (!inputs || !outputs) return unknown('K.function() needs known input and output tensors');
    return { kind: 'kfunction', inputs, outputs };
  }

  callKFunction(fn: Extract<Value, { kind: 'kfunction' }>, args: Arguments, _site: CallSite): Value {
    const feeds = this.arrayFeeds(fn.inputs, args.positional[0]);
    if (!feeds) return unknown('the arrays fed to this function are not known');
    return { kind: 'list', items: fn.outputs.map((t) => this.evaluationArray(t, feeds)) };
  }

  private predict(modelId: number, args: Arguments, _site: CallSite): Value {
    const model = this.graph.layers[modelId]!.model!;
    if (!model.built) return unknown(`model '${this.graph.layers[modelId]!.name}' is not built`);
    const feeds = this.arrayFeeds(model.inputs, args.positional[0] ?? args.keywords.get('x'));
    if (!feeds) return unknown('the data given to predict() is not known');
    const arrays = model.outputs.map((t) => this.evaluationArray(t, feeds));
    return arrays.length === 1 ? arrays[0]! : { kind: 'list', items: arrays };
  }

  /** The arrays (or constant tensors) given for each input, with where their numbers come from. */
  private arrayFeeds(inputs: readonly number[], given: Value | undefined): ArrayFeed[] | undefined {
    if (!given) return undefined;
    const values =
      inputs.length > 1 && isSequence(given) ? given.items : isSequence(given) && given.items.length === 1 ? given.items : [given];
    if (values.length !== inputs.length) return undefined;
    const feeds: ArrayFeed[] = [];
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      const constant = v.kind === 'tensor' ? this.graph.tensors[v.tensor]! : undefined;
      if (v.kind === 'array') feeds.push({ input: inputs[i]!, shape: v.shape, source: v.source });
      else if (constant?.constant) feeds.push({ input: inputs[i]!, shape: constant.shape, source: constant.constant });
      else return undefined;
    }
    return feeds;
  }

  /** The array `predict`/`K.function` return for a tensor: its shape with the batch of the arrays fed. */
  private evaluationArray(tensor: number, feeds: ArrayFeed[]): Value {
    const t = this.graph.tensors[tensor]!;
    const batch = feeds[0]?.shape[0] ?? null;
    const shape = t.shape.map((d, i) => (i === 0 && d === null ? batch : d));
    return { kind: 'array', shape, dtype: t.dtype, source: { kind: 'evaluation', tensors: [tensor], feeds } };
  }

  // ---- tensor arithmetic and slicing ----------------------------------------------

  tensorOperator(operator: string, left: Value, right: Value, node: Node): Value {
    const opName = (
      { '+': 'add', '-': 'subtract', '*': 'multiply', '/': 'divide', '@': 'matmul', '**': 'power' } as Record<string, string>
    )[operator];
    if (!opName || opName === 'matmul') return unknown(`tensor operator \`${operator}\` is not modelled`);
    const operands: number[] = [];
    const shapes: Shape[] = [];
    for (const v of [left, right]) {
      if (v.kind === 'tensor') {
        operands.push(v.tensor);
        shapes.push(this.graph.tensors[v.tensor]!.shape);
      } else if (v.kind === 'int' || v.kind === 'float') shapes.push([]);
      else return unknown(`\`${operator}\` between a tensor and a ${v.kind}`);
    }
    const range = rangeOf(node);
    let shape: Shape;
    try {
      shape = broadcastShapes(shapes[0]!, shapes[1]!);
    } catch (error) {
      if (!(error instanceof LayerError)) throw error;
      this.graph.report('error', range, error.message, 'shape-error');
      return { kind: 'unknown', reason: error.message, reported: true };
    }
    const config: Record<string, JsonValue> = {};
    if (left.kind !== 'tensor') config['left_constant'] = (left as { value: number }).value;
    if (right.kind !== 'tensor') config['right_constant'] = (right as { value: number }).value;
    const dtype = this.graph.tensors[operands[0]!]!.dtype;
    return this.addOperation(opName, config, operands, shape, dtype, range);
  }

  /** A tensor operation written in Python: a graph node Keras names like a layer, in no model's layer list. */
  private addOperation(
    operator: string,
    extra: Record<string, JsonValue>,
    operands: number[],
    shape: Shape,
    dtype: string,
    range: SourceRange,
  ): Value {
    const name = this.graph.names.uniquify(operator);
    const id = this.graph.addLayer('Operation', name, { name, operator, ...extra }, range);
    const layer = this.graph.layers[id]!;
    layer.params = 0;
    layer.operation = operator;
    this.states.set(id, { unknownArgs: new Map() });
    const eager = operands.some((t) => this.graph.tensors[t]!.eager);
    const call = this.graph.addCall(id, operands, false, [{ shape, dtype }], eager, range, this.parent);
    return { kind: 'tensor', tensor: call.outputs[0]! };
  }

  subscript(container: Value, indices: Value[], node: Node): Value {
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
    const t = this.graph.tensors[container.tensor]!;
    return this.addOperation('get_item', { index: indexToJson(index) }, [container.tensor], result, t.dtype, rangeOf(node));
  }

  clearSession(): Value {
    this.graph.names.reset();
    return none;
  }
}

// ---- helpers -------------------------------------------------------------------

export function dimValue(dim: Dim): Value {
  if (dim === null) return none;
  if (isSymbolic(dim)) return { kind: 'symint', symbol: dim.symbol };
  return int(dim);
}

function jsonValue(json: JsonValue): Value {
  if (json === null) return none;
  if (typeof json === 'boolean') return { kind: 'bool', value: json };
  if (typeof json === 'number') return Number.isInteger(json) ? int(json) : { kind: 'float', value: json };
  if (typeof json === 'string') return str(json);
  if (Array.isArray(json)) return tuple(json.map(jsonValue));
  return unknown('a nested config value');
}

function arrayAttribute(value: Extract<Value, { kind: 'array' }>, name: string): Value | undefined {
  if (name === 'shape') return tuple(value.shape.map(dimValue));
  if (name === 'dtype') return str(value.dtype);
  if (name === 'ndim') return int(value.shape.length);
  if (name === 'astype') {
    return {
      kind: 'builtin',
      name: 'astype',
      call: (args) => {
        const dtype = args.positional[0];
        const name = dtype?.kind === 'str' ? dtype.value : dtype?.kind === 'module' ? dtype.path.split('.').at(-1)! : value.dtype;
        return { ...value, dtype: name };
      },
    };
  }
  return undefined;
}

function compatibleShapes(expected: Shape, found: Shape): boolean {
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
