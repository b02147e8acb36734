// Where a file is cut as it grows: at line ends (every line of a short file,
// about twenty evenly spaced ones of a long file, a handful of a huge one),
// plus a few cuts at random characters, as a user stops mid-word.

import type { Random } from './random.js';
import { lineStarts } from './text-positions.js';

export interface Step {
  /** The prefix's length: the document holds text.slice(0, end). */
  readonly end: number;
  readonly kind: 'line' | 'cut';
}

export interface StepOptions {
  /** Only the whole file, in one step (to replay a reproduction). */
  readonly whole: boolean;
  /** Files with up to this many lines grow every line. */
  readonly shortLines: number;
  /** Line steps of a longer file. */
  readonly longSteps: number;
}

const hugeChars = 1_000_000;
const hugeSteps = 5;

function evenly(ends: readonly number[], count: number): number[] {
  if (ends.length <= count) return [...ends];
  return Array.from({ length: count }, (_, i) => ends[Math.round(((i + 1) * (ends.length - 1)) / count)]!);
}

/** Moves a cut off the middle of a surrogate pair: an editor never holds half a character. */
function wholeCharacter(text: string, offset: number): number {
  const c = text.charCodeAt(offset - 1);
  return c >= 0xd800 && c <= 0xdbff ? offset + 1 : offset;
}

export function planSteps(text: string, random: Random, options: StepOptions): Step[] {
  if (options.whole || text.length === 0) return [{ end: text.length, kind: 'line' }];
  const ends = lineStarts(text).slice(1);
  if (ends.at(-1) !== text.length) ends.push(text.length);
  const lineCount = ends.length;
  const chosen =
    text.length > hugeChars ? evenly(ends, hugeSteps) : lineCount <= options.shortLines ? ends : evenly(ends, options.longSteps);
  const steps = new Map<number, Step>(chosen.map((end) => [end, { end, kind: 'line' }]));
  const cuts = Math.min(5, Math.max(1, Math.round(chosen.length / 4)));
  for (let i = 0; i < cuts && text.length > 1; i++) {
    const end = wholeCharacter(text, random.int(1, text.length - 1));
    if (!steps.has(end)) steps.set(end, { end, kind: 'cut' });
  }
  steps.set(text.length, { end: text.length, kind: 'line' });
  return [...steps.values()].sort((a, b) => a.end - b.end);
}
