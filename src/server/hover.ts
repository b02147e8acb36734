// Hover: what the variable (or layer call) under the cursor holds — its shape,
// dtype, the layer that made it with its key arguments and parameter count.

import type { Hover, Position } from 'vscode-languageserver';
import type { Binding, ModelGraph, SourceRange } from '../graph/ir.js';
import { formatShape } from '../graph/shape.js';
import { keyConfig, layerOf, typeLine } from './describe-tensor.js';

function contains(range: SourceRange, position: Position): boolean {
  const { start, end } = range;
  if (position.line < start.line || position.line > end.line) return false;
  if (position.line === start.line && position.character < start.character) return false;
  return !(position.line === end.line && position.character > end.character);
}

export function hover(graph: ModelGraph, position: Position): Hover | null {
  const bindings = graph.bindings.filter((b) => contains(b.range, position));
  if (bindings.length > 0) return bindingHover(graph, bindings);
  const call = graph.calls.find((c) => c.parent === undefined && contains(c.range, position) && !graph.layers[c.layer]!.operation);
  if (!call || call.outputs.length === 0) return null;
  const layer = graph.layers[call.layer]!;
  const shapes = call.outputs.map((t) => formatShape(graph.tensors[t]!.shape)).join(', ');
  return markdown([`\`${layer.name}\`: ${layer.className} → ${shapes}`, layerLine(layer)], call.range);
}

function bindingHover(graph: ModelGraph, bindings: Binding[]): Hover {
  const first = bindings[0]!;
  const lines: string[] = [];
  // One variable can be bound several times on one line (a loop, a helper called at several sites).
  const distinct = bindings.filter((b, i) => bindings.findIndex((o) => JSON.stringify(o.value) === JSON.stringify(b.value)) === i);
  distinct.forEach((binding, i) => {
    if (distinct.length > 1) lines.push(`**binding ${i + 1} of ${distinct.length}**`);
    const type = typeLine(graph, binding);
    if (type) lines.push(`\`${binding.name}: ${type}\``);
    else if (binding.value.kind === 'unknown') lines.push(`\`${binding.name}\`: not known statically — ${binding.value.reason}`);
    const layer = layerOf(graph, binding);
    if (layer) lines.push(layerLine(layer));
  });
  return markdown(lines, first.range);
}

function layerLine(layer: NonNullable<ReturnType<typeof layerOf>>): string {
  const params = layer.params === null ? 'params not known statically' : `${layer.params.toLocaleString('en-US')} params`;
  const config = keyConfig(layer);
  return `${layer.className} '${layer.name}' · ${params}${config ? `\n\n${config}` : ''}`;
}

function markdown(lines: string[], range: SourceRange): Hover {
  return { contents: { kind: 'markdown', value: lines.join('\n\n') }, range };
}
