// Light checks that an answer fits the document it is about: positions inside
// the text, and the tensor list of the version that was sent.

import type { ListTensorsResult } from '../../src/protocol/lsp.js';
import type { Position } from './text-positions.js';

interface Range {
  readonly start: Position;
  readonly end: Position;
}

export class DocumentShape {
  constructor(private readonly lineLengths: readonly number[]) {}

  /** Why the position is outside the document, if it is. */
  outside(position: Position | undefined, what: string): string | undefined {
    if (!position || !Number.isInteger(position.line) || !Number.isInteger(position.character)) return `${what}: not a position`;
    const length = this.lineLengths[position.line];
    if (length === undefined) return `${what}: line ${position.line} of a ${this.lineLengths.length}-line document`;
    if (position.character < 0 || position.character > length)
      return `${what}: character ${position.character} of line ${position.line}, which has ${length}`;
    return undefined;
  }

  rangeOutside(range: Range | undefined, what: string): string | undefined {
    if (!range) return `${what}: no range`;
    return this.outside(range.start, `${what} start`) ?? this.outside(range.end, `${what} end`);
  }
}

export function checkInlayHints(shape: DocumentShape, hints: unknown): string | undefined {
  if (hints === null) return undefined;
  if (!Array.isArray(hints)) return 'inlay hints: not a list';
  for (const hint of hints as { position?: Position; label?: unknown }[]) {
    const problem = shape.outside(hint.position, 'inlay hint');
    if (problem) return problem;
  }
  return undefined;
}

export function checkCodeLenses(shape: DocumentShape, lenses: unknown): string | undefined {
  if (lenses === null) return undefined;
  if (!Array.isArray(lenses)) return 'code lenses: not a list';
  for (const lens of lenses as { range?: Range }[]) {
    const problem = shape.rangeOutside(lens.range, 'code lens');
    if (problem) return problem;
  }
  return undefined;
}

/** The edits of each code action: those of the document asked about inside it (an edit may go to a cell above). */
export function checkCodeActions(shape: DocumentShape, uri: string, actions: unknown): string | undefined {
  if (actions === null) return undefined;
  if (!Array.isArray(actions)) return 'code actions: not a list';
  for (const action of actions as { title?: unknown; edit?: { changes?: Record<string, { range?: Range; newText?: unknown }[]> } }[]) {
    if (typeof action.title !== 'string') return 'code action: no title';
    for (const edit of action.edit?.changes?.[uri] ?? []) {
      const problem = shape.rangeOutside(edit.range, `code action "${action.title}" edit`);
      if (problem) return problem;
      if (typeof edit.newText !== 'string') return `code action "${action.title}": an edit without text`;
    }
  }
  return undefined;
}

export function checkHover(shape: DocumentShape, hover: unknown): string | undefined {
  if (hover === null) return undefined;
  const { range, contents } = hover as { range?: Range; contents?: unknown };
  if (contents === undefined) return 'hover: no contents';
  return range ? shape.rangeOutside(range, 'hover range') : undefined;
}

export function checkTensors(shape: DocumentShape, listed: ListTensorsResult, version: number): string | undefined {
  if (!listed || !Array.isArray(listed.tensors)) return 'listTensors: no tensor list';
  if (listed.version !== version) return `listTensors: version ${listed.version}, but the document is at version ${version}`;
  for (const tensor of listed.tensors) {
    const problem = shape.rangeOutside(tensor.range, `tensor ${tensor.name}`);
    if (problem) return problem;
  }
  return undefined;
}
