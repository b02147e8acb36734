// Which input a finding comes from: the file, the step, and the prefix of the
// file the server had at that step.

import type { CorpusSource } from './corpus/corpus-file.js';

export interface StepRef {
  readonly file: string;
  readonly source: CorpusSource;
  /** One-based step number, and the file's number of steps. */
  readonly step: number;
  readonly steps: number;
  readonly kind: 'line' | 'cut';
  /** Characters of the file the document held, of its total. */
  readonly chars: number;
  readonly totalChars: number;
  /** One-based line count of the prefix. */
  readonly lines: number;
  /** Set when the file was the last cell of a notebook (below the fuzzer's cell of imports). */
  readonly notebook?: boolean;
}

/** The prefix sent at this step: what a reproduction file holds. */
export interface StepInput extends StepRef {
  readonly text: string;
}

export function describeStep(at: StepRef): string {
  const where = at.notebook ? ', as a notebook cell' : '';
  return `${at.file} step ${at.step}/${at.steps} (${at.kind === 'cut' ? 'cut mid-line' : 'line end'}, ${at.lines} lines, ${at.chars}/${at.totalChars} chars${where})`;
}

/** The reference alone, without the text of an input. */
export function stepRef(at: StepRef): StepRef {
  const { file, source, step, steps, kind, chars, totalChars, lines, notebook } = at;
  return { file, source, step, steps, kind, chars, totalChars, lines, ...(notebook && { notebook }) };
}
