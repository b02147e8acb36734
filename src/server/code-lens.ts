// Code lens above each model of the file: its size, and a link to evaluate its output.

import type { CodeLens, Position } from 'vscode-languageserver';
import type { ModelGraph } from '../graph/ir.js';
import { summarizeModel } from '../graph/summary.js';
import { clientCommands } from '../protocol/lsp.js';
import { nonTrainableNote } from './describe-tensor.js';

/**
 * `place`: the document and position of a position of the analysed document (a notebook's cell, for a notebook);
 * `links`: whether the client runs Tensor Lens's own commands (only the VS Code client does).
 */
export function codeLenses(
  graph: ModelGraph,
  place: (position: Position) => { readonly uri: string; readonly position: Position },
  links: boolean,
): CodeLens[] {
  return graph.models.flatMap((id) => {
    const model = graph.layers[id]!;
    // A model made in an imported module has its lens there, when that file is open.
    if (model.module !== undefined) return [];
    const info = model.model!;
    const line = model.range.start.line;
    const range = { start: { line, character: 0 }, end: { line, character: 0 } };
    const params =
      model.params === null ? paramsNotKnown(graph, id) : `${model.params.toLocaleString('en-US')} params${nonTrainableNote(model)}`;
    // As many layers as Keras's len(model.layers), input layers included.
    const size: CodeLens = { range, command: { title: `${model.name}: ${info.layers.length} layers · ${params}`, command: '' } };
    const output = info.outputs[0];
    const binding = output === undefined ? undefined : graph.bindings.find((b) => b.value.kind === 'tensor' && b.value.tensor === output);
    if (!binding || !links) return [size];
    const { uri, position } = place(binding.range.start);
    const args = [uri, position];
    return [size, { range, command: { title: 'Evaluate', command: clientCommands.showTensor, arguments: args } }];
  });
}

function paramsNotKnown(graph: ModelGraph, id: number): string {
  const known = summarizeModel(graph, id).knownParams;
  return known > 0 ? `at least ${known.toLocaleString('en-US')} params` : 'params not known';
}
