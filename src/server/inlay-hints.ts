// Inlay hints: the shape at the end of each line that assigns a tensor.

import type { InlayHint, Range } from 'vscode-languageserver';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { ModelGraph } from '../graph/ir.js';
import { formatShape } from '../graph/shape.js';
import { lineText } from './line-text.js';

export function inlayHints(graph: ModelGraph, document: TextDocument, range: Range): InlayHint[] {
  const byLine = new Map<number, string[]>();
  for (const binding of graph.bindings) {
    const line = binding.range.start.line;
    if (line < range.start.line || line > range.end.line) continue;
    const value = binding.value;
    const shape = value.kind === 'tensor' ? graph.tensors[value.tensor]!.shape : value.kind === 'array' ? value.shape : undefined;
    if (!shape) continue;
    const shapes = byLine.get(line) ?? [];
    const text = formatShape(shape);
    if (!shapes.includes(text)) shapes.push(text);
    byLine.set(line, shapes);
  }
  return [...byLine].map(([line, shapes]) => {
    const end = lineText(document, line).length;
    return { position: { line, character: end }, label: `  # ${shapes.join(' | ')}`, paddingLeft: true };
  });
}
