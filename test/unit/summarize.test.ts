// Tensor summaries: statistics, counts, histogram and channel maps, checked
// against values computed here by hand.

import assert from 'node:assert/strict';
import { channelMaps, summarize } from '../../src/engine/summarize.js';

describe('tensor summaries', () => {
  it('statistics ignore NaN and infinities, and count them', () => {
    const s = summarize(Float32Array.from([0, 1, 2, 3, NaN, Infinity, -Infinity, 0]), [8], 'float32');
    // Finite values 0, 1, 2, 3, 0: mean 6/5, variance ((1.2²·2) + 0.2² + 0.8² + 1.8²) / 5.
    assert.deepEqual([s.min, s.max, s.zeros, s.nans, s.infs], [0, 3, 2, 1, 2]);
    assert.ok(Math.abs(s.mean - 1.2) < 1e-12);
    assert.ok(Math.abs(s.std - Math.sqrt((1.44 * 2 + 0.04 + 0.64 + 3.24) / 5)) < 1e-12);
    assert.equal(s.histogram.length, 32);
    assert.equal(
      s.histogram.reduce((a, b) => a + b),
      5,
    );
    // Bins of width 3/32: 0 → bin 0 (twice), 1 → bin 10, 2 → bin 21, 3 → the last bin.
    assert.deepEqual([s.histogram[0], s.histogram[10], s.histogram[21], s.histogram[31]], [2, 1, 1, 1]);
    assert.equal(s.channelMaps, undefined);
  });

  it('a constant tensor puts everything in the first bin', () => {
    const s = summarize(new Float32Array(10).fill(4), [2, 5], 'float32');
    assert.deepEqual([s.min, s.max, s.std, s.histogram[0]], [4, 4, 0, 10]);
  });

  it('channel maps: one per channel of the first batch item, averaged down to at most 64×64', () => {
    // (1, 128, 96, 2): channel 0 holds the row index, channel 1 the column index.
    const [h, w, c] = [128, 96, 2];
    const data = new Float32Array(h * w * c);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set([y, x], (y * w + x) * c);
    const maps = channelMaps(data, [1, h, w, c]);
    assert.deepEqual([maps.height, maps.width, maps.channels, maps.maps.length], [64, 64, 2, 2]);
    // Rows 0–1 average to 0.5 and rows 126–127 to 126.5: the scale of channel 0.
    assert.deepEqual([maps.maps[0]!.min, maps.maps[0]!.max], [0.5, 126.5]);
    const bytes = Buffer.from(maps.maps[0]!.data, 'base64');
    assert.equal(bytes.length, 64 * 64);
    assert.deepEqual([bytes[0], bytes[63 * 64]], [0, 255]);
    // Columns: 96 into 64 cells of 1 or 2 columns; the first cell is column 0, the last 94–95.
    assert.deepEqual([maps.maps[1]!.min, maps.maps[1]!.max], [0, 94.5]);
  });

  it('channel maps keep at most 64 channels, and a sequence gives 1-pixel-high maps', () => {
    const maps = channelMaps(new Float32Array(10 * 100), [1, 10, 100]);
    assert.deepEqual([maps.height, maps.width, maps.channels, maps.maps.length], [1, 10, 100, 64]);
  });
});
