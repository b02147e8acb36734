// Inlay hints: the shape at the end of each line that assigns a tensor.

import type { InlayHint, Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ModelGraph } from '../graph/ir.js';
import { formatShape } from '../graph/shape.js';
import { lineText } from './line-text.js';

/** A line bound in a loop can take many shapes: the hint shows the first few, the hover lists them. */
const maxShapesPerLine = 3;

export function inlayHints(graph: ModelGraph, document: TextDocument, range: Range): InlayHint[] {
  const byLine = new Map<number, Set<string>>();
  for (const binding of graph.bindings) {
    const line = binding.range.start.line;
    if (line < range.start.line || line > range.end.line) continue;
    const value = binding.value;
    const shape = value.kind === 'tensor' ? graph.tensors[value.tensor]!.shape : value.kind === 'array' ? value.shape : undefined;
    if (!shape) continue;
    const shapes = byLine.get(line) ?? new Set<string>();
    if (shapes.size <= maxShapesPerLine) shapes.add(formatShape(shape));
    byLine.set(line, shapes);
  }
  return [...byLine].map(([line, shapes]) => {
    const end = lineText(document, line).length;
    const shown = [...shapes].slice(0, maxShapesPerLine);
    const more = shapes.size > maxShapesPerLine ? ' | …' : '';
    return { position: { line, character: end }, label: `  # ${shown.join(' | ')}${more}`, paddingLeft: true };
  });
}
