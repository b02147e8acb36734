// What a request's document is analysed as. A file is analysed as itself. A notebook cell (LSP 3.17 notebook sync)
// is part of its notebook's program: the code cells in notebook order as one Python text (src/analysis/notebook.ts),
// so a cell knows the names of the cells above; positions map between the cell and the program, line by line.

import type { Diagnostic, Hover, Position, Range } from 'vscode-languageserver';
import { NotebookCellKind, NotebookDocuments, type NotebookDocument, type TextDocuments } from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { lineText } from './line-text.js';
import { cellPosition, notebookProgram, programLine, type NotebookProgram } from '../analysis/notebook.js';
import type { TensorItem } from '../protocol/lsp.js';

export interface DocumentView {
  /** What is analysed: the file, or its notebook's program (under the notebook's URI). */
  readonly document: TextDocument;
  /** The document of the request: the file, or the cell. */
  readonly uri: string;
  /** A position of the request's document in the analysed one. */
  readonly toAnalysed: (position: Position) => Position;
  /** A position of the analysed document in the document (file or cell) it is in. */
  readonly toEditor: (position: Position) => { readonly uri: string; readonly position: Position };
  /** A range of the analysed document in the request's document; undefined when it is in another cell. */
  readonly rangeHere: (range: Range) => Range | undefined;
  /** For a notebook whose cells ran in another order than the analysis reads them. */
  readonly orderNote?: string;
}

interface Program {
  /** The notebook's version and its cells': a cell's edit may leave the notebook's own version as it was. */
  readonly key: string;
  readonly program: NotebookProgram;
  readonly document: TextDocument;
  /** The URI of each cell of the program, in order. */
  readonly cells: readonly string[];
}

export class NotebookPrograms {
  readonly notebooks: NotebookDocuments<TextDocument>;
  private readonly programs = new Map<string, Program>();
  /** Increases at each change of any notebook: a program's version, which the document analyses compare. */
  private changes = 0;

  constructor() {
    this.notebooks = new NotebookDocuments(TextDocument);
  }

  get cells(): TextDocuments<TextDocument> {
    return this.notebooks.cellTextDocuments;
  }

  /** The notebook of a cell or the notebook itself, by URI. */
  notebookOf(uri: string): NotebookDocument | undefined {
    return this.notebooks.getNotebookDocument(uri) ?? this.notebooks.findNotebookDocumentForCell(uri);
  }

  /** The notebook's program, made anew after a change. */
  program(notebook: NotebookDocument): Program {
    const cells = notebook.cells.filter((cell) => cell.kind === NotebookCellKind.Code);
    const documents = cells.map((cell) => this.notebooks.getCellTextDocument(cell));
    const key = [
      notebook.version,
      ...cells.map((cell, i) => `${cell.document}@${documents[i]?.version}:${cell.executionSummary?.executionOrder}`),
    ].join(' ');
    const known = this.programs.get(notebook.uri);
    if (known?.key === key) return known;
    const program = notebookProgram(
      cells.map((cell, i) => ({ text: documents[i]?.getText() ?? '', executionCount: cell.executionSummary?.executionOrder ?? null })),
    );
    const made: Program = {
      key,
      program,
      document: TextDocument.create(notebook.uri, 'python', ++this.changes, program.text),
      cells: cells.map((cell) => cell.document),
    };
    this.programs.set(notebook.uri, made);
    return made;
  }

  /** The URIs of the notebook's code cells, in order. */
  cellsOf(notebookUri: string): readonly string[] {
    const notebook = this.notebooks.getNotebookDocument(notebookUri);
    return notebook ? this.program(notebook).cells : [];
  }

  /** A notebook's diagnostics by the cell they are in, in its coordinates; every code cell has an entry. */
  diagnosticsByCell(notebook: DocumentView, diagnostics: readonly Diagnostic[]): Map<string, Diagnostic[]> {
    const byCell = new Map<string, Diagnostic[]>(this.cellsOf(notebook.uri).map((cell) => [cell, []]));
    // One view per cell, not per diagnostic: making a view reads the notebook's cells.
    const views = new Map<string, DocumentView | undefined>();
    for (const diagnostic of diagnostics) {
      const { uri } = notebook.toEditor(diagnostic.range.start);
      if (!views.has(uri)) views.set(uri, this.view(uri));
      const range = views.get(uri)?.rangeHere(diagnostic.range);
      if (range) byCell.get(uri)?.push({ ...diagnostic, range });
    }
    return byCell;
  }

  forget(notebookUri: string): void {
    this.programs.delete(notebookUri);
  }

  /** The view of a notebook's cell, or of the notebook's whole program (its own URI); undefined for other URIs. */
  view(uri: string): DocumentView | undefined {
    const notebook = this.notebookOf(uri);
    if (!notebook) return undefined;
    const { program, document, cells } = this.program(notebook);
    const cell = cells.indexOf(uri);
    const whole = uri === notebook.uri;
    if (cell < 0 && !whole) return undefined;
    const toEditor = (position: Position) => {
      const at = cellPosition(program, position.line, position.character);
      return { uri: cells[at.cell] ?? notebook.uri, position: { line: at.line, character: at.character } };
    };
    const rangeHere = (range: Range): Range | undefined => {
      if (whole) return range;
      const start = toEditor(range.start);
      if (start.uri !== uri) return undefined;
      const end = toEditor(range.end);
      if (end.uri === uri) return { start: start.position, end: end.position };
      // A range that runs on into the next cell ends here with its first line.
      return { start: start.position, end: { line: start.position.line, character: lineText(document, range.start.line).length } };
    };
    return {
      document,
      uri,
      toAnalysed: (position) => (whole ? position : { line: programLine(program, cell, position.line), character: position.character }),
      toEditor,
      rangeHere,
      ...(program.orderNote && { orderNote: program.orderNote }),
    };
  }
}

/** The view of a file: itself. */
export function fileView(document: TextDocument): DocumentView {
  return {
    document,
    uri: document.uri,
    toAnalysed: (position) => position,
    toEditor: (position) => ({ uri: document.uri, position }),
    rangeHere: (range) => range,
  };
}

/** A tensor item of the analysed document in the request's: its range in the cell it is in, with that cell's URI when it is another. */
export function tensorItemInView(item: TensorItem, view: DocumentView): TensorItem {
  const start = view.toEditor(item.range.start);
  const end = view.toEditor(item.range.end);
  return { ...item, range: { start: start.position, end: end.position }, ...(start.uri !== view.uri && { uri: start.uri }) };
}

/** A hover in the request's document (a hover on a name whose range is elsewhere keeps no range), with the order note. */
export function hoverInView(answer: Hover, view: DocumentView): Hover {
  const range = answer.range && view.rangeHere(answer.range);
  const contents =
    view.orderNote && typeof answer.contents === 'object' && 'kind' in answer.contents
      ? { ...answer.contents, value: `${answer.contents.value}\n\n_${view.orderNote}_` }
      : answer.contents;
  return range ? { contents, range } : { contents };
}
