// A tensor summary in words, shared by the CLI and the hovers.

import type { TensorSummary } from '../protocol/engine.js';

const blocks = ' ▁▂▃▄▅▆▇█';

/** A histogram as one line of block characters, the tallest bin full. */
export function sparkline(histogram: readonly number[]): string {
  const top = Math.max(...histogram);
  return histogram.map((n) => (top === 0 ? ' ' : blocks[Math.ceil((n / top) * (blocks.length - 1))]!)).join('');
}

/** Integers as they are, tiny and huge numbers in exponent form, the rest with 4 decimals. */
export function formatNumber(x: number): string {
  if (Number.isInteger(x)) return String(x);
  return Math.abs(x) >= 1e4 || (Math.abs(x) < 1e-3 && x !== 0) ? x.toExponential(3) : x.toFixed(4);
}

export function statsLine(v: TensorSummary): string {
  const n = formatNumber;
  return `min ${n(v.min)}  max ${n(v.max)}  mean ${n(v.mean)}  std ${n(v.std)}  zeros ${v.zeros}  nan ${v.nans}  inf ${v.infs}`;
}

export function histogramLine(v: TensorSummary): string {
  return `${sparkline(v.histogram)}  ${formatNumber(v.min)} … ${formatNumber(v.max)}`;
}
