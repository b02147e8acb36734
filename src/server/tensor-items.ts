// The tensors of a document as the client and panel see them: one item per
// binding of a tensor or array, found again from a position in its name.

import type { Binding, ModelGraph, SourceRange } from '../graph/ir.js';
import { formatShape } from '../graph/shape.js';
import type { TensorItem, TextPosition } from '../protocol/lsp.js';
import { keyConfig, layerOf, typeLine } from './describe-tensor.js';

export function contains(range: SourceRange, position: TextPosition): boolean {
  const { start, end } = range;
  if (position.line < start.line || position.line > end.line) return false;
  if (position.line === start.line && position.character < start.character) return false;
  return !(position.line === end.line && position.character > end.character);
}

export function isTensorBinding(binding: Binding): boolean {
  return binding.value.kind === 'tensor' || binding.value.kind === 'array';
}

/** The tensor bindings whose name contains the position; several for a variable bound in a loop or a helper. */
export function bindingsAt(graph: ModelGraph, position: TextPosition): Binding[] {
  return graph.bindings.filter((b) => isTensorBinding(b) && contains(b.range, position));
}

export function tensorItem(graph: ModelGraph, binding: Binding): TensorItem {
  const value = binding.value;
  const shape = value.kind === 'tensor' ? graph.tensors[value.tensor]!.shape : value.kind === 'array' ? value.shape : [];
  const layer = layerOf(graph, binding);
  return {
    name: binding.name,
    range: binding.range,
    type: typeLine(graph, binding) ?? value.kind,
    shape: formatShape(shape),
    ...(layer && {
      layer: `${layer.className} '${layer.name}'`,
      layerConfig: keyConfig(layer),
      params: layer.params,
    }),
    ...(value.kind === 'array' &&
      value.source.kind !== 'evaluation' && {
        notEvaluable: value.source.kind === 'constructor' ? `sample data made by ${value.source.fn}() in the file` : value.source.reason,
      }),
  };
}

/** Every tensor binding of the document, in source order, each binding once. */
export function tensorItems(graph: ModelGraph): TensorItem[] {
  const seen = new Set<string>();
  const items: TensorItem[] = [];
  for (const binding of graph.bindings) {
    if (!isTensorBinding(binding)) continue;
    const item = tensorItem(graph, binding);
    const key = `${item.range.start.line}:${item.range.start.character}:${item.type}`;
    if (seen.has(key)) continue;
    seen.add(key);
    items.push(item);
  }
  return items.sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character);
}
