// Words for what a binding holds, shared by hovers and inlay hints.

import type { Binding, JsonValue, LayerNode, ModelGraph } from '../graph/ir.js';
import { producingLayer } from '../graph/report.js';
import { formatShape } from '../graph/shape.js';
import { layerEntry } from '../analysis/keras/registry.js';
import { commonHoverKeys } from '../analysis/keras/rule.js';

/** `KerasTensor (None, 30, 30, 32) float32`, `ndarray (1, 30, 30, 32) float32`, … or undefined for non-tensors. */
export function typeLine(graph: ModelGraph, binding: Binding): string | undefined {
  const value = binding.value;
  if (value.kind === 'tensor') {
    const tensor = graph.tensors[value.tensor]!;
    return `${tensor.eager ? 'Tensor' : 'KerasTensor'} ${formatShape(tensor.shape)} ${tensor.dtype}`;
  }
  if (value.kind === 'array') return `ndarray ${formatShape(value.shape)} ${value.dtype}`;
  return undefined;
}

/** The layer a tensor or array binding comes from. */
export function layerOf(graph: ModelGraph, binding: Binding): LayerNode | undefined {
  const value = binding.value;
  if (value.kind === 'tensor') return producingLayer(graph, value.tensor);
  if (value.kind === 'array' && value.source.kind === 'evaluation') return producingLayer(graph, value.source.tensors[0]!);
  if (value.kind === 'layer' || value.kind === 'model') return graph.layers[value.layer];
  return undefined;
}

/** The arguments worth seeing at a glance, in the order its registry entry gives, when the layer has them. */
export function keyConfig(layer: LayerNode): string {
  return (layerEntry(layer.className)?.rule?.hoverKeys ?? commonHoverKeys)
    .filter((key) => key in layer.config && layer.config[key] !== null)
    .map((key) => `${key}=${pythonValue(layer.config[key]!)}`)
    .join(', ');
}

function pythonValue(value: JsonValue): string {
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'string') return `'${value}'`;
  if (Array.isArray(value)) return value.length === 1 ? `(${pythonValue(value[0]!)},)` : `(${value.map(pythonValue).join(', ')})`;
  return JSON.stringify(value);
}

/** How many of a layer's params are non-trainable, when any are (or when that is not known). */
export function nonTrainableNote(layer: LayerNode): string {
  if (layer.nonTrainableParams === null) return layer.params === null ? '' : ' (how many are trainable is not known statically)';
  if (layer.nonTrainableParams === 0) return '';
  return layer.nonTrainableParams === layer.params
    ? ' (all non-trainable)'
    : ` (${layer.nonTrainableParams.toLocaleString('en-US')} non-trainable)`;
}
