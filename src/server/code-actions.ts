// Code actions on a tensor: "Get … as NumPy", the seed's code for it (numpy-snippets.ts) as an edit of the document,
// or, in a notebook, of the cell of the statement the snippet follows.

import { CodeActionKind, TextEdit, type CodeAction } from 'vscode-languageserver';
import type { Binding, ModelGraph } from '../graph/ir.js';
import type { DocumentView } from './document-views.js';
import { numpySnippets, snippetInsertion } from './numpy-snippets.js';

export function numpyCodeActions(graph: ModelGraph, view: DocumentView, binding: Binding): CodeAction[] {
  const text = view.document.getText();
  const lines = text.split(/\r\n|\r|\n/);
  // The inserted lines end as the document's do.
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  return numpySnippets(graph, text, binding).map((snippet) => {
    const at = snippetInsertion(lines, snippet);
    const { uri, position } = view.toEditor({ line: at.line, character: at.character });
    const edit = TextEdit.insert(position, at.text.replace(/\n/g, eol));
    return { title: snippet.title, kind: CodeActionKind.Refactor, edit: { changes: { [uri]: [edit] } } };
  });
}
