// Builds the model graph while the interpreter runs: tensors, layers, calls,
// bindings and diagnostics, with Keras's naming and Keras's layer order.

import type {
  ArraySource,
  Binding,
  BoundValue,
  Diagnostic,
  JsonValue,
  LayerCall,
  LayerNode,
  ModelGraph,
  Position,
  Severity,
  SourceRange,
  TensorNode,
} from '../graph/ir.js';
import type { Shape } from '../graph/shape.js';
import { NameCounter } from './keras/naming.js';

/** A layer's own weights (its rule's, or its `add_weight` calls'), of its `params` less its sublayers'. */
export interface OwnWeights {
  /** Made non-trainable (moving statistics), including `restored`. */
  readonly nonTrainable: number | null;
  /** Of `nonTrainable`, those made trainable and then frozen (LoRA's kernel): `trainable = True` makes them trainable. */
  readonly restored: number | null;
  /** Trainable weights of sublayers that do not take the layer's constructor `trainable` (LayerRule.sublayersKeepTrainable). */
  readonly spared: number | null;
}

/** A file with more problems than this shows the first ones: more would only bury them. */
const maxDiagnostics = 1000;

export class GraphBuilder {
  readonly tensors: TensorNode[] = [];
  readonly layers: LayerNode[] = [];
  readonly calls: LayerCall[] = [];
  readonly models: number[] = [];
  readonly bindings: Binding[] = [];
  readonly diagnostics: Diagnostic[] = [];
  readonly names = new NameCounter();
  private readonly reported = new Set<string>();
  /**
   * Set while code of an imported module of the user's runs: its name, and the place in the analysed file that led
   * there (the import or the call), where what goes wrong in it is reported. Its bindings are not the file's.
   */
  origin: { readonly module: string; readonly site: SourceRange } | undefined;

  addTensor(shape: Shape, dtype: string, eager: boolean, producer?: { call: number; index: number }, constant?: ArraySource): number {
    const id = this.tensors.length;
    this.tensors.push({ id, shape, dtype, eager, ...(producer ? { producer } : {}), ...(constant ? { constant } : {}) });
    return id;
  }

  addLayer(className: string, name: string, config: { [key: string]: JsonValue }, range: SourceRange): number {
    const id = this.layers.length;
    const module = this.origin?.module;
    this.layers.push({
      id,
      name,
      className,
      config,
      params: null,
      nonTrainableParams: null,
      calls: [],
      range,
      ...(module !== undefined && { module }),
      children: [],
    });
    // Keras's `trainable=False` constructor argument: the weights the layer makes itself are made non-trainable.
    const trainable =
      config['trainable'] === false ? false : config['trainable'] === true || config['trainable'] === undefined ? true : null;
    this.trainability.set(id, { trainable, own: trainable, spared: true, restored: false });
    if (trainable === null) this.trainableReasons.set(id, 'its `trainable=` argument is not known');
    return id;
  }

  /**
   * Per layer: `layer.trainable`, and whether the kinds of its own weights (OwnWeights) are trainable now: those it made
   * trainable, those its sublayers keep, those it froze after making them (null: not known).
   */
  private readonly trainability = new Map<
    number,
    { trainable: boolean | null; own: boolean | null; spared: boolean | null; restored: boolean | null }
  >();
  private readonly ownWeights = new Map<number, OwnWeights>();
  /** Why no layer's trainable split is known (a `trainable` set on a value the analysis does not know), once that happens. */
  private trainableUnknown: string | undefined;

  /** What a layer's own weights (not its sublayers' in the graph) are, from its rule or its `add_weight` calls. */
  setOwnWeights(layer: number, weights: OwnWeights): void {
    this.ownWeights.set(layer, weights);
  }

  /** `layer.trainable` as the file left it; null when not known. */
  isTrainable(layer: number): boolean | null {
    return this.trainability.get(layer)?.trainable ?? true;
  }

  /**
   * Keras's `trainable` setter: the layer's flag, and that of each weight it made trainable, for it and all its
   * sublayers; null (a value not known, or set in a branch the analysis cannot decide) makes them not known.
   */
  setTrainable(layer: number, value: boolean | null, reason?: string, seen = new Set<number>()): void {
    if (seen.has(layer)) return;
    seen.add(layer);
    this.trainability.set(layer, { trainable: value, own: value, spared: value, restored: value });
    if (value === null) this.trainableReasons.set(layer, reason ?? 'its `trainable` is set to a value that is not known');
    for (const child of this.layers[layer]!.children) this.setTrainable(child, value, reason, seen);
  }

  /**
   * `model.load_weights(file)`, or a saved model's own weights: each layer below the model gets its entry in the file
   * (its name, after those of the layers between), or the reason the file cannot be read. A later load replaces it.
   */
  loadWeights(model: number, source: { readonly file: string; readonly byName?: boolean } | { readonly unavailable: string }): void {
    const modelName = this.layers[model]!.name;
    // Keras reads a legacy .h5 file by the order of the model's layers that have weights (with by_name=True, by their
    // names); unbuilt ones leave the order unknown.
    const direct = this.layers[model]!.children.map((id) => this.layers[id]!);
    const ordered = 'file' in source && source.byName !== true && direct.every((node) => node.params !== null);
    const weighted = ordered ? direct.filter((node) => node.params! > 0).map((node) => node.id) : [];
    const visit = (layer: number, path: readonly string[], index: number, seen: Set<number>): void => {
      for (const child of this.layers[layer]!.children) {
        if (seen.has(child)) continue;
        seen.add(child);
        const node = this.layers[child]!;
        const key = [...path, node.name];
        // A sublayer's place is that of the model's layer it is in.
        const place = path.length === 0 ? weighted.indexOf(child) : index;
        node.weights =
          'file' in source
            ? {
                file: source.file,
                key: key.join('/'),
                model: modelName,
                ...(place >= 0 && { order: { index: place, of: weighted.length } }),
              }
            : { ...source, model: modelName };
        visit(child, key, place, seen);
      }
    };
    visit(model, [], -1, new Set([model]));
  }

  /** Why a layer's `trainable` is not known, where the file made it so. */
  private readonly trainableReasons = new Map<number, string>();

  /** Why the split of a layer's count is not known: the file's doing, on it or on a sublayer. */
  private nonTrainableReason(layer: number, seen = new Set<number>()): string | undefined {
    if (this.trainableUnknown !== undefined) return this.trainableUnknown;
    if (seen.has(layer)) return undefined;
    seen.add(layer);
    const own = this.trainableReasons.get(layer);
    if (own !== undefined) return own;
    for (const child of this.layers[layer]!.children) {
      const reason = this.nonTrainableReason(child, seen);
      if (reason !== undefined) return reason;
    }
    return undefined;
  }

  /** `trainable=` given to a layer's constructor: its own flag and its own weights', not its sublayers'. */
  setMadeTrainable(layer: number, value: boolean | null): void {
    this.trainability.set(layer, { trainable: value, own: value, spared: true, restored: false });
    if (value === null) this.trainableReasons.set(layer, 'its `trainable=` argument is not known');
  }

  /** A `trainable` was set on something the analysis does not know (a layer it cannot tell): no split is known from here on. */
  setTrainableUnknown(reason: string): void {
    this.trainableUnknown ??= reason;
  }

  /** The count of `layer.non_trainable_weights` as the layer stands now; null when not known. */
  nonTrainableParams(layer: number): number | null {
    if (this.trainableUnknown !== undefined) return null;
    const node = this.layers[layer]!;
    if (node.params === null) return null;
    const state = this.trainability.get(layer)!;
    if (state.trainable === false) return node.params;
    if (state.trainable === null) return null;
    return this.frozenWeights(layer);
  }

  /** Weights of the layer and its sublayers (each once) whose own flag is non-trainable: Keras's `not v.trainable`. */
  private frozenWeights(layer: number): number | null {
    const cache = new Map<number, number | null>();
    let total = 0;
    for (const id of this.closure([layer])) {
      const frozen = this.ownFrozen(id, cache);
      if (frozen === null) return null;
      total += frozen;
    }
    return total;
  }

  /** Of a layer's own weights (OwnWeights), those whose flag is non-trainable now. */
  private ownFrozen(layer: number, cache: Map<number, number | null>): number | null {
    const ownTotal = this.ownParams(layer, cache);
    const own = this.ownWeights.get(layer) ?? { nonTrainable: 0, restored: 0, spared: 0 };
    const state = this.trainability.get(layer)!;
    if (ownTotal === null || own.nonTrainable === null || own.restored === null || own.spared === null) return null;
    const direct = ownTotal - own.nonTrainable - own.spared;
    const flag = (trainable: boolean | null, size: number): number | null =>
      size === 0 || trainable === true ? 0 : trainable === false ? size : null;
    const frozen = [flag(state.own, direct), flag(state.spared, own.spared), flag(state.restored, own.restored)];
    if (frozen.some((f) => f === null)) return null;
    return own.nonTrainable - own.restored + (frozen as number[]).reduce((a, b) => a + b, 0);
  }

  /** The layers and every layer under them through their sublayers, each once (Keras's weights, deduplicated). */
  private closure(ids: Iterable<number>): Set<number> {
    const found = new Set<number>();
    const visit = (id: number): void => {
      if (found.has(id)) return;
      found.add(id);
      for (const child of this.layers[id]!.children) visit(child);
    };
    for (const id of ids) visit(id);
    return found;
  }

  /** A layer's own weights: its count less its sublayers' (each once); null when either is not known. */
  private ownParams(layer: number, cache: Map<number, number | null>): number | null {
    if (cache.has(layer)) return cache.get(layer)!;
    cache.set(layer, null);
    const node = this.layers[layer]!;
    const children = node.children.length === 0 ? 0 : this.sumParams(node.children, cache);
    const own = node.params === null || children === null ? null : node.params - children;
    cache.set(layer, own);
    return own;
  }

  /** Records a call of a layer and makes its output tensors. */
  addCall(
    layer: number,
    inputs: number[],
    inputIsList: boolean,
    outputs: readonly { readonly shape: Shape; readonly dtype: string }[],
    eager: boolean,
    range: SourceRange,
    parent: number | undefined,
    callArguments?: LayerCall['callArguments'],
  ): LayerCall {
    const id = this.calls.length;
    const outputIds = outputs.map((o, index) => this.addTensor(o.shape, o.dtype, eager, { call: id, index }));
    const call: LayerCall = {
      id,
      layer,
      inputs,
      inputIsList,
      outputs: outputIds,
      range,
      ...(this.origin && { module: this.origin.module }),
      ...(parent !== undefined && { parent }),
      ...(callArguments && { callArguments }),
    };
    this.calls.push(call);
    this.layers[layer]!.calls.push(id);
    return call;
  }

  /**
   * A call of a layer whose output is not known (its arguments or its inputs are not): one output tensor that says
   * why, so the model it is in still lists it, between the layers around it.
   */
  addUnknownCall(
    layer: number,
    inputs: number[],
    inputIsList: boolean,
    reason: string,
    range: SourceRange,
    parent: number | undefined,
  ): number {
    const id = this.calls.length;
    const eager = inputs.length > 0 && inputs.every((t) => this.tensors[t]!.eager);
    const output = this.tensors.length;
    this.tensors.push({ id: output, shape: [], dtype: 'unknown', eager, producer: { call: id, index: 0 }, unknown: reason });
    this.calls.push({
      id,
      layer,
      inputs,
      inputIsList,
      outputs: [output],
      range,
      ...(this.origin && { module: this.origin.module }),
      ...(parent !== undefined && { parent }),
    });
    this.layers[layer]!.calls.push(id);
    return output;
  }

  reserveCall(layer: number, range: SourceRange, parent: number | undefined): number {
    const id = this.calls.length;
    const call: LayerCall = {
      id,
      layer,
      inputs: [],
      inputIsList: false,
      outputs: [],
      range,
      ...(this.origin && { module: this.origin.module }),
      ...(parent !== undefined && { parent }),
    };
    this.calls.push(call);
    return id;
  }

  /** Completes a call reserved before its inner calls ran. */
  completeCall(id: number, inputs: number[], inputIsList: boolean, outputs: number[]): void {
    const reserved = this.calls[id]!;
    this.calls[id] = { ...reserved, inputs, inputIsList, outputs };
    this.layers[reserved.layer]!.calls.push(id);
  }

  bind(name: string, range: SourceRange, value: BoundValue, from: Position): void {
    if (!this.origin) this.bindings.push({ name, range, value, from });
  }

  /** Inside `with self.assertRaises(...)` and the like: an error there is what the code expects, not a problem. */
  expectingErrors = 0;

  report(severity: Severity, givenRange: SourceRange, givenMessage: string, code: string): void {
    if (severity === 'error' && this.expectingErrors > 0) return;
    const range = this.origin?.site ?? givenRange;
    const message = this.origin ? `${givenMessage} (in ${this.origin.module}, line ${givenRange.start.line + 1})` : givenMessage;
    const key = `${range.start.line}:${range.start.character}:${message}`;
    if (this.reported.has(key) || this.diagnostics.length >= maxDiagnostics) return;
    this.reported.add(key);
    this.diagnostics.push({ severity, range, message, code });
  }

  /**
   * The call that produced a tensor, seen from the top level of the file: for a
   * tensor made inside a nested model or subclassed layer, the call of that model or layer.
   */
  producerAt(tensor: number, within?: number): LayerCall | undefined {
    const producer = this.tensors[tensor]?.producer;
    let call = producer ? this.calls[producer.call] : undefined;
    while (call?.parent !== undefined && call.parent !== within) call = this.calls[call.parent];
    return call;
  }

  /**
   * Keras `map_graph` (keras/src/ops/function.py): the layers between the inputs
   * and the outputs, ordered by decreasing depth, ties by first visit from the outputs.
   */
  /** Keras's `get_source_inputs`: the tensors without a producing layer call on the inputs (the Inputs) a tensor comes from. */
  sourceInputs(tensor: number): number[] {
    const sources: number[] = [];
    const seen = new Set<number>();
    const visit = (at: number): void => {
      if (seen.has(at)) return;
      seen.add(at);
      const call = this.producerAt(at);
      if (!call || call.inputs.length === 0) sources.push(at);
      else for (const input of call.inputs) visit(input);
    };
    visit(tensor);
    return sources;
  }

  kerasLayerOrder(inputs: readonly number[], outputs: readonly number[]): number[] {
    const finished = new Set<number>();
    const inProgress = new Set<number>();
    const callsInDecreasingDepth: number[] = [];
    const layerIndex = new Map<number, number>();
    const inputSet = new Set(inputs);

    const visit = (tensor: number): void => {
      const call = this.producerAt(tensor);
      if (!call || finished.has(call.id) || inProgress.has(call.id)) return;
      if (!layerIndex.has(call.layer)) layerIndex.set(call.layer, layerIndex.size);
      inProgress.add(call.id);
      if (!inputSet.has(tensor)) for (const input of call.inputs) visit(input);
      finished.add(call.id);
      inProgress.delete(call.id);
      callsInDecreasingDepth.push(call.id);
    };
    for (const output of outputs) visit(output);

    const callDepth = new Map<number, number>();
    const layerDepth = new Map<number, number>();
    for (const callId of [...callsInDecreasingDepth].reverse()) {
      const call = this.calls[callId]!;
      if (!callDepth.has(callId)) callDepth.set(callId, 0);
      const depth = Math.max(callDepth.get(callId)!, layerDepth.get(call.layer) ?? 0);
      layerDepth.set(call.layer, depth);
      callDepth.set(callId, depth);
      for (const input of call.inputs) {
        const parent = this.producerAt(input);
        if (parent && finished.has(parent.id)) callDepth.set(parent.id, Math.max(depth + 1, callDepth.get(parent.id) ?? 0));
      }
    }
    for (const input of inputs) {
      const call = this.producerAt(input);
      if (call && !layerDepth.has(call.layer)) {
        layerDepth.set(call.layer, 0);
        layerIndex.set(call.layer, -1);
      }
    }
    return [...layerDepth.keys()].sort((a, b) => layerDepth.get(b)! - layerDepth.get(a)! || layerIndex.get(a)! - layerIndex.get(b)!);
  }

  /**
   * Total weights of the layers and their sublayers, as Keras's `weights` has them: a layer shared, also between a
   * model and a model nested in it, counts once. null if any is unknown.
   */
  sumParams(layerIds: Iterable<number>, cache = new Map<number, number | null>()): number | null {
    let total = 0;
    for (const id of this.closure(layerIds)) {
      const own = this.ownParams(id, cache);
      if (own === null) return null;
      total += own;
    }
    return total;
  }

  finish(): ModelGraph {
    for (const layer of this.layers) {
      layer.nonTrainableParams = this.nonTrainableParams(layer.id);
      if (layer.nonTrainableParams === null && layer.params !== null) {
        layer.nonTrainableUnknown =
          this.nonTrainableReason(layer.id) ??
          'which of its weights are trainable is not known (a weight made with a `trainable` not known)';
      }
    }
    return {
      tensors: this.tensors,
      layers: this.layers,
      calls: this.calls,
      models: this.models,
      bindings: this.bindings,
      diagnostics: this.diagnostics,
    };
  }
}
