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

  addTensor(shape: Shape, dtype: string, eager: boolean, producer?: { call: number; index: number }, constant?: ArraySource): number {
    const id = this.tensors.length;
    this.tensors.push({ id, shape, dtype, eager, ...(producer ? { producer } : {}), ...(constant ? { constant } : {}) });
    return id;
  }

  addLayer(className: string, name: string, config: { [key: string]: JsonValue }, range: SourceRange): number {
    const id = this.layers.length;
    this.layers.push({ id, name, className, config, params: null, calls: [], range, children: [] });
    return id;
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
      ...(parent !== undefined && { parent }),
      ...(callArguments && { callArguments }),
    };
    this.calls.push(call);
    this.layers[layer]!.calls.push(id);
    return call;
  }

  reserveCall(layer: number, range: SourceRange, parent: number | undefined): number {
    const id = this.calls.length;
    const call: LayerCall =
      parent === undefined
        ? { id, layer, inputs: [], inputIsList: false, outputs: [], range }
        : { id, layer, inputs: [], inputIsList: false, outputs: [], range, parent };
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
    this.bindings.push({ name, range, value, from });
  }

  report(severity: Severity, range: SourceRange, message: string, code: string): void {
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

  /** Total weights of distinct layers (shared layers count once); null if any is unknown. */
  sumParams(layerIds: Iterable<number>): number | null {
    let total = 0;
    for (const id of new Set(layerIds)) {
      const params = this.layers[id]!.params;
      if (params === null) return null;
      total += params;
    }
    return total;
  }

  finish(): ModelGraph {
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
