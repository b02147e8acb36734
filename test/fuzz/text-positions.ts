// LSP positions in a document's text, counted the way LSP counts them: lines
// end at \r\n, \n or a lone \r; characters are UTF-16 code units.

import type { Random } from './random.js';

export interface Position {
  readonly line: number;
  readonly character: number;
}

/** The offset where each line starts. */
export function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 13 /* \r */) {
      if (text.charCodeAt(i + 1) === 10) i++;
      starts.push(i + 1);
    } else if (c === 10) starts.push(i + 1);
  }
  return starts;
}

export function positionAt(starts: readonly number[], offset: number): Position {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >> 1;
    if (starts[middle]! <= offset) low = middle;
    else high = middle - 1;
  }
  return { line: low, character: offset - starts[low]! };
}

export function endPosition(text: string): Position {
  return positionAt(lineStarts(text), text.length);
}

/** The text of each line, without its line break. */
export function lines(text: string, starts: readonly number[] = lineStarts(text)): string[] {
  return starts.map((start, i) => text.slice(start, i + 1 < starts.length ? starts[i + 1] : text.length).replace(/\r?\n$|\r$/, ''));
}

const identifier = /[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*/gu;

/** Up to `count` positions inside names on the last few non-blank lines, chosen by the seed. */
export function namePositions(text: string, random: Random, count: number): Position[] {
  const all = lines(text);
  const names: { line: number; start: number; length: number }[] = [];
  for (let line = all.length - 1, seen = 0; line >= 0 && seen < 3; line--) {
    const content = all[line]!;
    if (content.trim() === '') continue;
    seen++;
    // Very long lines: the names of their first 2,000 characters are enough.
    for (const match of content.slice(0, 2000).matchAll(identifier)) names.push({ line, start: match.index, length: match[0].length });
  }
  return random
    .shuffle(names)
    .slice(0, count)
    .map(({ line, start, length }) => ({ line, character: start + random.int(0, length - 1) }));
}

/** Any position, sometimes past the end of its line or of the document (a client may send them). */
export function randomPosition(text: string, random: Random): Position {
  const all = lines(text);
  const line = random.int(0, all.length);
  const width = all[line]?.length ?? 0;
  return { line, character: random.int(0, width + 3) };
}
