// Channel maps and histograms as numbers: bytes to RGBA pixels, counts to bar rectangles, labels.
// Pure: no DOM, so unit tests can import it.

import { formatNumber } from '../engine/summary-text.js';
import { viridis } from './colormap.js';

/** The bytes of a base64 string (atob exists in the webview and in Node). */
export function base64ToBytes(data: string): Uint8Array {
  const binary = atob(data);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** RGBA of each byte value: byte b stands for b / 255 of the way from the map's min to its max. */
const byteColors: Uint8Array = (() => {
  const table = new Uint8Array(256 * 4);
  for (let b = 0; b < 256; b++) {
    table.set([...viridis(b / 255), 255], b * 4);
  }
  return table;
})();

/** One map's bytes as opaque RGBA pixels (4 bytes per input byte), ready for ImageData. */
export function mapToRgba(bytes: Uint8Array): Uint8ClampedArray<ArrayBuffer> {
  const rgba = new Uint8ClampedArray(bytes.length * 4);
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]! * 4;
    rgba[i * 4] = byteColors[b]!;
    rgba[i * 4 + 1] = byteColors[b + 1]!;
    rgba[i * 4 + 2] = byteColors[b + 2]!;
    rgba[i * 4 + 3] = 255;
  }
  return rgba;
}

export interface Bar {
  readonly x: number;
  readonly width: number;
  readonly height: number;
}

/** Bars side by side over `width`, each `gap` narrower than its slot; the tallest bin fills `height`, all zero when every count is. */
export function histogramBars(counts: readonly number[], width: number, height: number, gap = 1): Bar[] {
  const slot = counts.length === 0 ? 0 : width / counts.length;
  const top = Math.max(0, ...counts);
  return counts.map((count, i) => ({
    x: i * slot,
    width: Math.max(slot - gap, slot / 2),
    height: top === 0 ? 0 : (count / top) * height,
  }));
}

/** What a map shows: a channel, or for a rank-2 tensor the row of the selected batch item. */
export function mapCaption(rank: number, channel: number, batchItem: number): string {
  return rank === 2 ? `row of item ${batchItem}` : `ch ${channel}`;
}

export function mapAriaLabel(
  rank: number,
  channel: number,
  batchItem: number,
  map: { readonly min: number; readonly max: number },
): string {
  const what = rank === 2 ? `row of item ${batchItem}` : `channel ${channel}`;
  return `${what}, min ${formatNumber(map.min)} max ${formatNumber(map.max)}`;
}
