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
  /** `conv2d[0][0]`-style references to the calls feeding this layer, in Keras's notation. */
  readonly connectedTo: string[];
}

export interface ModelSummary {
  readonly name: string;
  readonly className: string;
  readonly kind: 'functional' | 'sequential' | 'subclassed';
  readonly built: boolean;
  readonly rows: SummaryRow[];
  readonly totalParams: number | null;
  /** Keras prints the "Connected to" column for functional models that are not a plain chain. */
  readonly showConnections: boolean;
}

export function summarizeModel(graph: ModelGraph, modelId: number): ModelSummary {
  const model = graph.layers[modelId]!;
  const info = model.model!;
  const rows = info.layers.map((id) => row(graph, graph.layers[id]!, info.layers));
  return {
    name: model.name,
    className: model.className,
    kind: info.kind,
    built: info.built,
    rows,
    totalParams: model.params,
    showConnections: info.kind === 'functional' && !isChain(graph, info.layers),
  };
}

function row(graph: ModelGraph, layer: LayerNode, modelLayers: readonly number[]): SummaryRow {
  const lastCall = layer.calls.length > 0 ? graph.calls[layer.calls.at(-1)!]! : undefined;
  const outputShapes = lastCall ? lastCall.outputs.map((t) => graph.tensors[t]!.shape) : null;
  const inModel = new Set(modelLayers);
  const connectedTo: string[] = [];
  for (const callId of layer.calls) {
    const call = graph.calls[callId]!;
    for (const input of call.inputs) {
      const producer = producerCall(graph, input);
      if (!producer || !inModel.has(producer.layer)) continue;
      const source = graph.layers[producer.layer]!;
      connectedTo.push(`${source.name}[${source.calls.indexOf(producer.id)}][${producer.outputs.indexOf(input)}]`);
    }
    if (connectedTo.length > 0) break;
  }
  return { name: layer.name, className: layer.className, outputShapes, params: layer.params, connectedTo };
}

function producerCall(graph: ModelGraph, tensor: number) {
  const producer = graph.tensors[tensor]?.producer;
  let call = producer ? graph.calls[producer.call] : undefined;
  while (call?.parent !== undefined) call = graph.calls[call.parent];
  return call;
}

/** True when every layer is called once on one input and feeds the next one only. */
function isChain(graph: ModelGraph, layers: readonly number[]): boolean {
  const consumed = new Set<number>();
  for (const id of layers) {
    const layer = graph.layers[id]!;
    if (layer.calls.length > 1) return false;
    for (const callId of layer.calls) {
      const call = graph.calls[callId]!;
      if (call.inputs.length > 1) return false;
      for (const input of call.inputs) {
        if (consumed.has(input)) return false;
        consumed.add(input);
      }
    }
  }
  return true;
}
