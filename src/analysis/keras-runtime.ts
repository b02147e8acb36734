// Keras semantics for the interpreter, one object it talks to: layers
// (layer-runtime.ts), models (model-runtime.ts), and here what a file reads of
// layers, models and tensors, and the evaluations it asks for (`predict`, K.function).

import type { ArrayFeed, LayerNode, ModelInfo } from '../graph/ir.js';
import { rangeOf } from './python/source-range.js';
import type { Node } from './python/parser.js';
import { shapeArgument } from './shape-argument.js';
import {
  type Arguments,
  bool,
  type CallSite,
  int,
  isSequence,
  none,
  type PythonObject,
  str,
  truthy,
  tuple,
  unknown,
  type Value,
} from './values.js';
import { ControlFlowRuntime } from './control-flow-runtime.js';
import { jsonValue } from './python-values.js';
import { dimValue, tensorShapeValue } from './layer-runtime.js';
import type { KerasApi } from './keras/api-context.js';
import { LayerError } from './keras/rule.js';
import { loadWeightsRefusal, unreadWeights } from './saved-models/weights-file-check.js';

/** A layer or model whose attribute the file reads; `self` is the object of a subclassed one. */
interface AttributeTarget {
  readonly id: number;
  readonly layer: LayerNode;
  readonly name: string;
  readonly self: Value | undefined;
}

function method({ name, self }: AttributeTarget, call: (args: Arguments, site: CallSite) => Value): Value {
  return { kind: 'builtin', name, call, ...(self ? { self } : {}) };
}

/** A `trainable` argument: a bool, or null when not known. */
function knownFlag(value: Value): boolean | null {
  return value.kind === 'bool' ? value.value : null;
}

const symbolicTensorError =
  "A KerasTensor is symbolic: it's a placeholder for a shape and a dtype. It doesn't have any actual numerical value. You cannot convert it to a NumPy array.";

export class KerasRuntime extends ControlFlowRuntime implements KerasApi {
  // ---- attributes --------------------------------------------------------------

  attribute(value: Value, name: string, node: Node, self?: Value): Value | undefined {
    if (value.kind === 'tensor') return this.tensorAttribute(value.tensor, name, node);
    if (value.kind === 'array') return arrayAttribute(value, name);
    if (value.kind !== 'layer') return undefined;
    const layer = this.graph.layers[value.layer]!;
    if (Object.hasOwn(this.layerAttributes, name)) return this.layerAttributes[name]!({ id: value.layer, layer, name, self });
    return name in layer.config ? jsonValue(layer.config[name]!) : undefined;
  }

  /** The attributes and methods of a layer or model (Keras's `Layer` and `Model` API), by name. */
  private readonly layerAttributes: Readonly<Record<string, (target: AttributeTarget) => Value | undefined>> = {
    name: ({ layer }) => str(layer.name),
    output: (target) => this.callTensors(target, 'outputs', false),
    outputs: (target) => this.callTensors(target, 'outputs', true),
    input: (target) => this.callTensors(target, 'inputs', false),
    inputs: (target) => this.callTensors(target, 'inputs', true),
    input_shape: (target) => this.firstShape(target, 'inputs'),
    output_shape: (target) => this.firstShape(target, 'outputs'),
    layers: ({ layer }) =>
      layer.model ? { kind: 'list', items: this.kerasLayers(layer.model).map((id) => this.layerValue(id)) } : undefined,
    get_layer: (target) => method(target, (args, site) => this.getLayer(target.id, args, site)),
    add: (target) =>
      target.layer.model?.kind === 'sequential'
        ? method(target, (args, site) => {
            if (args.positional[0]) this.sequentialAdd(target.id, args.positional[0], site, true);
            return none;
          })
        : undefined,
    build: (target) =>
      method(target, (args, site) => {
        const shape = shapeArgument(args.positional[0] ?? args.keywords.get('input_shape'));
        const model = target.layer.model;
        if (shape && model?.kind === 'sequential' && model.inputs.length === 0) this.buildSequential(target.id, shape, site);
        else if (shape && !model) this.buildLayer(target.id, shape, rangeOf(site.node));
        return none;
      }),
    predict: (target) => method(target, (args, site) => this.predict(target.id, args, site)),
    predict_on_batch: (target) => method(target, (args, site) => this.predict(target.id, args, site)),
    trainable: ({ id, layer }) => {
      const trainable = this.graph.isTrainable(id);
      return trainable === null ? unknown(`whether '${layer.name}' is trainable is not known`) : bool(trainable);
    },
    count_params: (target) =>
      method(target, () =>
        target.layer.params === null ? unknown(`the parameter count of '${target.layer.name}' is not known`) : int(target.layer.params),
      ),
    load_weights: (target) => method(target, (args, site) => this.loadWeights(target.id, args, site)),
    ...Object.fromEntries(
      ['summary', 'compile', 'fit', 'evaluate', 'save', 'save_weights'].map((name) => [
        name,
        (target: AttributeTarget) => method(target, () => none),
      ]),
    ),
  };

  // ---- weights --------------------------------------------------------------------------------------------------

  /**
   * `model.load_weights(filepath, skip_mismatch=False, by_name=…)`: its layers' numbers are the file's, found as
   * Python would find it (a legacy .h5 read by name with by_name=True, else by layer order). A file not there now may
   * be when the code runs (a training run saves it), so that is no error: their numbers are not known.
   */
  private loadWeights(model: number, args: Arguments, site: CallSite): Value {
    const path = args.positional[0] ?? args.keywords.get('filepath');
    const byName = args.keywords.get('by_name') ?? bool(false);
    const found = path?.kind === 'str' ? this.interpreter.dataFile(path.value) : path;
    if (found?.kind === 'str' && path?.kind === 'str') {
      const refusal = loadWeightsRefusal(path.value, found.value);
      if (refusal !== undefined)
        return this.raising(site, () => {
          throw new LayerError(refusal);
        });
      const unread =
        byName.kind === 'bool' ? unreadWeights(path.value, found.value) : 'load_weights() is given a by_name that is not known statically';
      this.graph.loadWeights(
        model,
        unread === undefined ? { file: found.value, byName: truthy(byName) === true } : { unavailable: unread },
      );
      return none;
    }
    const reason =
      found?.kind === 'unknown'
        ? found.reason
        : path?.kind === 'str'
          ? `${path.value} is not found from the file's folder or the workspace folders`
          : 'the path given to load_weights() is not known statically';
    this.graph.loadWeights(model, { unavailable: reason });
    return none;
  }

  // ---- trainable ------------------------------------------------------------------------------------------------

  /**
   * `layer.trainable = value`, Keras's setter: the layer and all its sublayers, with the weights they made trainable,
   * become (non-)trainable. Set on a value the analysis does not know (it may be any layer), or in a branch it cannot
   * decide, the split of the counts is not known.
   */
  setTrainable(target: Value, value: Value, undecided: boolean): void {
    if (target.kind === 'unknown') {
      this.graph.setTrainableUnknown(`\`trainable\` is set on a value that is not known (${target.reason})`);
      return;
    }
    const id = target.kind === 'layer' ? target.layer : target.kind === 'object' ? target.object.layer : undefined;
    if (id === undefined) return;
    const flag = truthy(value);
    if (undecided) this.graph.setTrainable(id, null, '`trainable` is set in a branch of a condition the analysis cannot decide');
    else this.graph.setTrainable(id, flag ?? null, `\`trainable\` is set to a value that is not known`);
  }

  /** `keras.Model(inputs, outputs, trainable=False)`: Functional sets it through the setter, on every layer of it. */
  override functionalModel(args: Arguments, site: CallSite): Value {
    const model = super.functionalModel(args, site);
    const flag = args.keywords.get('trainable');
    if (model.kind === 'layer' && flag !== undefined && flag.kind !== 'none') this.graph.setTrainable(model.layer, knownFlag(flag));
    return model;
  }

  /** `keras.Sequential(layers, trainable=False)`: only the model's own flag (Layer's constructor), not its layers'. */
  override sequential(args: Arguments, site: CallSite): Value {
    const model = super.sequential(args, site);
    const flag = args.keywords.get('trainable') ?? args.positional[1];
    if (model.kind === 'layer' && flag !== undefined) this.graph.setMadeTrainable(model.layer, knownFlag(flag));
    return model;
  }

  /** `super().__init__(trainable=False)` of a subclassed layer or model: its own flag, as Layer's constructor sets it. */
  override applyBaseInit(object: PythonObject, args: Arguments): Value {
    const made = object.layer === undefined;
    const result = super.applyBaseInit(object, args);
    const flag = args.keywords.get('trainable');
    if (made && object.layer !== undefined && flag !== undefined) this.graph.setMadeTrainable(object.layer, knownFlag(flag));
    return result;
  }

  /** A model's inputs or outputs once built, else those of the layer's first call. */
  private endpoints({ layer }: AttributeTarget, which: 'inputs' | 'outputs'): readonly number[] | undefined {
    const model = layer.model;
    const firstCall = layer.calls[0] === undefined ? undefined : this.graph.calls[layer.calls[0]]!;
    return model?.built ? model[which] : firstCall?.[which];
  }

  private callTensors(target: AttributeTarget, which: 'inputs' | 'outputs', asList: boolean): Value {
    const tensors = this.endpoints(target, which);
    if (!tensors || tensors.length === 0) {
      return unknown(`layer '${target.layer.name}' has not been called yet, so it has no ${which === 'inputs' ? 'input' : 'output'}`);
    }
    return this.outputValue(tensors, asList || tensors.length > 1);
  }

  private firstShape(target: AttributeTarget, which: 'inputs' | 'outputs'): Value {
    const t = this.endpoints(target, which)?.[0];
    if (t === undefined) return unknown(`layer '${target.layer.name}' has not been called yet`);
    const tensor = this.graph.tensors[t]!;
    return tensor.unknown !== undefined ? unknown(tensor.unknown) : tuple(tensor.shape.map(dimValue));
  }

  /** `model.layers`: the model's layers without the op nodes its summary lists too (`ops.add`, `x[:, 0]`). */
  private kerasLayers(model: ModelInfo): number[] {
    return model.layers.filter((id) => this.graph.layers[id]!.operation === undefined);
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
    const layers = this.kerasLayers(model);
    if (indexValue?.kind === 'int') {
      const id = layers[indexValue.value];
      return id === undefined ? unknown(`index ${indexValue.value} out of range`) : this.layerValue(id);
    }
    if (nameValue?.kind !== 'str') return unknown('get_layer() with an unknown name');
    const id = layers.find((l) => this.graph.layers[l]!.name === nameValue.value);
    if (id !== undefined) return this.layerValue(id);
    // Keras raises only where the model's layers are all known: built from known tensors, nothing in it unknown.
    const allKnown = model.kind !== 'subclassed' && model.built && model.unknown === undefined;
    if (!allKnown) return unknown(`'${nameValue.value}' is not among the layers of this model that Tensor Lens knows`);
    const existing = layers.map((l) => `'${this.graph.layers[l]!.name}'`).join(', ');
    const message = `No such layer: ${nameValue.value}. Existing layers are: [${existing}].`;
    this.graph.report('error', rangeOf(site.node), message, 'no-such-layer');
    return { kind: 'unknown', reason: message, reported: true };
  }

  private tensorAttribute(tensor: number, name: string, node: Node): Value | undefined {
    return Object.hasOwn(this.tensorAttributes, name) ? this.tensorAttributes[name]!(tensor, node) : undefined;
  }

  /** What a file reads of a KerasTensor, by attribute name. */
  private readonly tensorAttributes: Readonly<Record<string, (tensor: number, node: Node) => Value>> = {
    shape: (tensor) => tensorShapeValue(this.graph.tensors[tensor]!.shape, tensor),
    dtype: (tensor) => str(this.graph.tensors[tensor]!.dtype),
    ndim: (tensor) => int(this.graph.tensors[tensor]!.shape.length),
    numpy: (tensor, node) => ({
      kind: 'builtin',
      name: 'numpy',
      call: () => {
        const t = this.graph.tensors[tensor]!;
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
    }),
  };

  /**
   * `keras.ops.convert_to_numpy(x)`: a concrete tensor's numbers, as an array the file holds. A KerasTensor has none:
   * Keras raises (np.array of it), and inside a layer's call() the backend's traced tensor cannot be converted either.
   */
  convertToNumpy(args: Arguments, site: CallSite): Value {
    const given = args.positional[0] ?? args.keywords.get('x');
    const value = given && this.asTensor(given);
    if (value?.kind !== 'tensor') return value?.kind === 'array' ? value : unknown('convert_to_numpy of a value that is not a tensor');
    const t = this.graph.tensors[value.tensor]!;
    if (!t.eager) {
      if (this.traceDepth > 0) return unknown("convert_to_numpy of a tensor traced in a layer's call(): the backend cannot convert it");
      const message =
        "A KerasTensor is symbolic: it's a placeholder for a shape an a dtype. It doesn't have any actual numerical value. You cannot convert it to a NumPy array.";
      this.graph.report('error', rangeOf(site.node), message, 'symbolic-to-numpy');
      return { kind: 'unknown', reason: message, reported: true };
    }
    return {
      kind: 'array',
      shape: t.shape,
      dtype: t.dtype,
      source: { kind: 'evaluation', tensors: [value.tensor], feeds: this.feedsOf([value.tensor]) },
    };
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
}

// ---- helpers -------------------------------------------------------------------

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
