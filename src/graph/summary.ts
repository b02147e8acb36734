// `model.summary()` computed from the model graph: one row per layer as Keras
// lists them, with output shape, parameter count and, for functional models
// that are not a plain chain, the layers each one is connected to.

import type { LayerNode, ModelGraph } from './ir.js';
import type { Shape } from './shape.js';

export interface SummaryRow {
  readonly name: string;
  readonly className: string;
  /** One shape, or several for layers with several outputs; null when the layer was never called. */
  readonly outputShapes: Shape[] | null;
  readonly params: number | null;
  /** Where `params` is null because sizes are known only at run time: the count as a formula of them. */
  readonly paramsFormula?: string;
  /** Of `params`, the non-trainable weights (Keras's `layer.non_trainable_weights`); null when not known. */
  readonly nonTrainableParams: number | null;
  /** `conv2d[0][0]`-style references to the calls feeding this layer, in Keras's notation. */
  readonly connectedTo: string[];
  /** For an item of the model that is not understood: why. */
  readonly unknown?: string;
}

export interface ModelSummary {
  readonly name: string;
  readonly className: string;
  readonly kind: 'functional' | 'sequential' | 'subclassed';
  readonly built: boolean;
  readonly rows: SummaryRow[];
  readonly totalParams: number | null;
  /** Keras's "Trainable params" and "Non-trainable params" (the model's trainable and non-trainable weights); null when not known. */
  readonly trainableParams: number | null;
  readonly nonTrainableParams: number | null;
  /** Why the split is not known where the total is. */
  readonly nonTrainableUnknown?: string;
  /** When the total is not known: the sum of the parameters that are (the total is at least this). */
  readonly knownParams: number;
  /** Why part of the model is not known. */
  readonly unknownReason?: string;
  /** Keras prints the "Connected to" column for functional models that are not a plain chain. */
  readonly showConnections: boolean;
}

export function summarizeModel(graph: ModelGraph, modelId: number): ModelSummary {
  const model = graph.layers[modelId]!;
  const info = model.model!;
  const relevant = callsOfModel(graph, info.inputs, info.outputs);
  const rows = info.layers.map((id, index) => {
    const known = row(graph, graph.layers[id]!, relevant);
    // After an item that is not understood, a shape shown would be a guess.
    return info.unknown && index >= info.unknown.at ? { ...known, outputShapes: null } : known;
  });
  if (info.unknown) rows.splice(info.unknown.at, 0, unknownRow(info.unknown.reason));
  const knownParams = [...new Set(info.layers)].reduce((sum, id) => sum + (graph.layers[id]!.params ?? 0), 0);
  return {
    name: model.name,
    className: model.className,
    kind: info.kind,
    built: info.built,
    rows,
    totalParams: model.params,
    trainableParams: model.params === null || model.nonTrainableParams === null ? null : model.params - model.nonTrainableParams,
    nonTrainableParams: model.nonTrainableParams,
    ...(model.nonTrainableUnknown !== undefined && { nonTrainableUnknown: model.nonTrainableUnknown }),
    knownParams,
    ...(info.unknown && { unknownReason: info.unknown.reason }),
    showConnections: info.kind === 'functional' && !isChain(rows),
  };
}

function unknownRow(reason: string): SummaryRow {
  return { name: '?', className: '?', outputShapes: null, params: null, nonTrainableParams: null, connectedTo: [], unknown: reason };
}

function row(graph: ModelGraph, layer: LayerNode, relevantCalls: ReadonlySet<number>): SummaryRow {
  const lastCall = layer.calls.length > 0 ? graph.calls[layer.calls.at(-1)!]! : undefined;
  // A call whose outputs are not known (a custom layer's call() not followed) has none recorded.
  const outputs = lastCall?.outputs.map((t) => graph.tensors[t]!) ?? [];
  const outputShapes = outputs.length > 0 && outputs.every((t) => t.unknown === undefined) ? outputs.map((t) => t.shape) : null;
  const connectedTo: string[] = [];
  for (const callId of layer.calls) {
    if (!relevantCalls.has(callId)) continue;
    for (const input of graph.calls[callId]!.inputs) {
      const producer = producerCall(graph, input);
      if (!producer) continue;
      const source = graph.layers[producer.layer]!;
      connectedTo.push(`${source.name}[${source.calls.indexOf(producer.id)}][${producer.outputs.indexOf(input)}]`);
    }
  }
  return {
    name: layer.name,
    className: layer.className,
    outputShapes,
    params: layer.params,
    ...(layer.paramsFormula !== undefined && { paramsFormula: layer.paramsFormula }),
    nonTrainableParams: layer.nonTrainableParams,
    connectedTo,
  };
}

/** The calls that make up a model's graph (Keras's "relevant nodes"): from its outputs back to its inputs. */
function callsOfModel(graph: ModelGraph, inputs: readonly number[], outputs: readonly number[]): Set<number> {
  const found = new Set<number>();
  const inputSet = new Set(inputs);
  const visit = (tensor: number): void => {
    const call = producerCall(graph, tensor);
    if (!call || found.has(call.id)) return;
    found.add(call.id);
    if (!inputSet.has(tensor)) for (const input of call.inputs) visit(input);
  };
  outputs.forEach(visit);
  return found;
}

function producerCall(graph: ModelGraph, tensor: number) {
  const producer = graph.tensors[tensor]?.producer;
  let call = producer ? graph.calls[producer.call] : undefined;
  while (call?.parent !== undefined) call = graph.calls[call.parent];
  return call;
}

/** Keras leaves out "Connected to" when each layer takes one tensor and each tensor feeds one layer. */
export function isChain(rows: readonly { readonly connectedTo: readonly string[] }[]): boolean {
  const sources = rows.flatMap((r) => r.connectedTo);
  return rows.every((r) => r.connectedTo.length <= 1) && new Set(sources).size === sources.length;
}
