// Notebook cells as the client meets them: a tensor bound in a cell above is named by that cell's URI.

import * as vscode from 'vscode';

/** The notebook a cell's URI belongs to, and the cell. */
function cellOf(uri: string): { notebook: vscode.NotebookDocument; cell: vscode.NotebookCell } | undefined {
  for (const notebook of vscode.workspace.notebookDocuments) {
    const cell = notebook.getCells().find((c) => c.document.uri.toString() === uri);
    if (cell) return { notebook, cell };
  }
  return undefined;
}

/** `cell 3, line 2` in a notebook, `line 2` in a file (one-based). */
export function placeLabel(uri: string, line: number): string {
  const found = cellOf(uri);
  return found ? `cell ${found.cell.index + 1}, line ${line + 1}` : `line ${line + 1}`;
}

/** Whether the two URIs are the same document, or cells of one notebook (whose cells are one program). */
export function sameProgram(a: string, b: string): boolean {
  if (a === b) return true;
  const notebook = cellOf(a)?.notebook;
  return notebook !== undefined && notebook === cellOf(b)?.notebook;
}
