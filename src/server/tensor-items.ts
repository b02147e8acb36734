// The tensors of a document as the client and panel see them: one item per
// binding of a tensor or array, found again from a position in its name.

import type { Binding, ModelGraph, SourceRange } from '../graph/ir.js';
import { formatShape } from '../graph/shape.js';
import { whyNoValues } from '../engine/plan.js';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { TensorItem, TextPosition } from '../protocol/lsp.js';
import { keyConfig, layerOf, typeLine } from './describe-tensor.js';
import { lineText } from './line-text.js';

export function contains(range: SourceRange, position: TextPosition): boolean {
  const { start, end } = range;
  if (position.line < start.line || position.line > end.line) return false;
  if (position.line === start.line && position.character < start.character) return false;
  return !(position.line === end.line && position.character > end.character);
}

export function isTensorBinding(binding: Binding): boolean {
  return binding.value.kind === 'tensor' || binding.value.kind === 'array';
}

/**
 * What the name at the position stands for: the bindings made there (several
 * for a variable bound in a loop or a helper), or at a use of the name, the
 * latest bindings of it before the use.
 */
export function bindingsAt(graph: ModelGraph, document: TextDocument, position: TextPosition): Binding[] {
  const made = graph.bindings.filter((b) => contains(b.range, position));
  if (made.length > 0) return made;
  const name = nameAt(document, position);
  if (!name) return [];
  const offset = document.offsetAt(position);
  const before = graph.bindings.filter((b) => b.name === name && document.offsetAt(b.from) <= offset);
  const latest = Math.max(...before.map((b) => document.offsetAt(b.from)));
  return before.filter((b) => document.offsetAt(b.from) === latest);
}

/** The tensor bindings the name at the position stands for. */
export function tensorBindingsAt(graph: ModelGraph, document: TextDocument, position: TextPosition): Binding[] {
  return bindingsAt(graph, document, position).filter(isTensorBinding);
}

/** The dotted name ending with the identifier under the position: `self.conv` on `conv`, `x` on `x`. */
function nameAt(document: TextDocument, position: TextPosition): string | undefined {
  const line = lineText(document, position.line);
  for (const match of line.matchAll(/[A-Za-z_]\w*(?:\s*\.\s*[A-Za-z_]\w*)*/g)) {
    const start = match.index;
    if (position.character < start || position.character > start + match[0].length) continue;
    const end = line.slice(position.character).match(/^\w*/)![0].length + position.character;
    return line.slice(start, end).replace(/\s+/g, '');
  }
  return undefined;
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
        notEvaluable: whyNoValues(value.source),
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
