// The report of a notebook: every program line as a cell (1-based, among all the notebook's cells) and a line in it.

import { cellPosition, type NotebookCell, type NotebookProgram } from '../analysis/notebook.js';
import type { Report } from '../protocol/report.js';

export function reportInCells(report: Report, program: NotebookProgram, cells: readonly NotebookCell[]): Report {
  /** A one-based program line as the one-based cell and line. */
  const at = (line: number): { cell: number; line: number } => {
    const position = cellPosition(program, line - 1, 0);
    return { cell: (cells[position.cell]?.index ?? position.cell) + 1, line: position.line + 1 };
  };
  return {
    ...report,
    ...(program.orderNote && { notes: [...(report.notes ?? []), program.orderNote] }),
    models: report.models.map((model) => (model.module === undefined ? { ...model, ...at(model.line) } : model)),
    tensors: report.tensors.map((tensor) => ({ ...tensor, ...at(tensor.line) })),
    diagnostics: report.diagnostics.map((diagnostic) => {
      const start = at(diagnostic.line);
      const end = at(diagnostic.endLine);
      return { ...diagnostic, ...start, endLine: end.line, ...(end.cell !== start.cell && { endCell: end.cell }) };
    }),
  };
}
