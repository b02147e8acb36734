// One line of a document, without its line break.

import type { TextDocument } from 'vscode-languageserver-textdocument';

export function lineText(document: TextDocument, line: number): string {
  return document.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } }).replace(/(\r\n|\r|\n)$/, '');
}
