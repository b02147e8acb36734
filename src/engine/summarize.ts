// What a person needs to see of a tensor, small enough to send anywhere:
// statistics, a histogram, NumPy-style values and per-channel maps.

import type { ChannelMaps, TensorSummary } from '../protocol/engine.js';
import { formatArray } from './numpy-format.js';

const histogramBins = 32;
const maxMapSide = 64;
const maxChannels = 64;

/** `batchItem` picks the item of the batch whose maps are drawn. */
export function summarize(data: Float32Array | Int32Array, shape: readonly number[], dtype: string, batchItem = 0): TensorSummary {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  let finite = 0;
  let zeros = 0;
  let nans = 0;
  let infs = 0;
  for (const v of data) {
    if (Number.isNaN(v)) nans++;
    else if (!Number.isFinite(v)) infs++;
    else {
      if (v === 0) zeros++;
      if (v < min) min = v;
      if (v > max) max = v;
      sum += v;
      finite++;
    }
  }
  const mean = finite > 0 ? sum / finite : NaN;
  let squares = 0;
  for (const v of data) if (Number.isFinite(v)) squares += (v - mean) ** 2;
  const histogram = new Array<number>(histogramBins).fill(0);
  const span = max - min;
  for (const v of data) {
    if (!Number.isFinite(v)) continue;
    const bin = span > 0 ? Math.min(histogramBins - 1, Math.floor(((v - min) / span) * histogramBins)) : 0;
    histogram[bin]!++;
  }
  const summary: TensorSummary = {
    shape: [...shape],
    dtype,
    min: finite > 0 ? min : NaN,
    max: finite > 0 ? max : NaN,
    mean,
    std: finite > 0 ? Math.sqrt(squares / finite) : NaN,
    zeros,
    nans,
    infs,
    histogram,
    text: formatArray(data, shape, dtype.startsWith('int') || dtype === 'bool'),
  };
  if (shape.length < 2) return summary;
  const item = Math.min(Math.max(0, Math.trunc(batchItem)), shape[0]! - 1);
  // A rank-2 tensor (batch, features) is drawn as one strip: its row for the chosen item.
  const mapShape = shape.length === 2 ? [shape[0]!, shape[1]!, 1] : shape;
  return { ...summary, channelMaps: channelMaps(data, mapShape, item) };
}

/**
 * Maps of one batch item (the first by default), channels last: rank 3 (batch, steps, channels)
 * gives 1×steps maps, rank 4 height×width, rank 5 the first depth slice.
 * Each is averaged down to at most 64×64 and quantised to bytes.
 */
export function channelMaps(data: ArrayLike<number>, shape: readonly number[], batchItem = 0): ChannelMaps {
  const channels = shape.at(-1)!;
  const spatial = shape.slice(1, -1);
  const offset = batchItem * shape.slice(1).reduce((a, b) => a * b, 1);
  const [height, width] = spatial.length === 1 ? [1, spatial[0]!] : [spatial.at(-2)!, spatial.at(-1)!];
  const outHeight = Math.min(height, maxMapSide);
  const outWidth = Math.min(width, maxMapSide);
  const maps = [];
  for (let c = 0; c < Math.min(channels, maxChannels); c++) {
    const values = new Float32Array(outHeight * outWidth);
    for (let y = 0; y < outHeight; y++) {
      const [y0, y1] = [Math.floor((y * height) / outHeight), Math.floor(((y + 1) * height) / outHeight)];
      for (let x = 0; x < outWidth; x++) {
        const [x0, x1] = [Math.floor((x * width) / outWidth), Math.floor(((x + 1) * width) / outWidth)];
        let total = 0;
        let count = 0;
        for (let yy = y0; yy < y1; yy++) {
          for (let xx = x0; xx < x1; xx++) {
            const v = data[offset + (yy * width + xx) * channels + c]!;
            if (Number.isFinite(v)) {
              total += v;
              count++;
            }
          }
        }
        values[y * outWidth + x] = count > 0 ? total / count : 0;
      }
    }
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of values) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    const bytes = new Uint8Array(values.length);
    values.forEach((v, i) => (bytes[i] = hi > lo ? Math.round(((v - lo) / (hi - lo)) * 255) : 0));
    maps.push({ min: lo, max: hi, data: Buffer.from(bytes).toString('base64') });
  }
  return { height: outHeight, width: outWidth, channels, maps };
}
