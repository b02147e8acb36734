// Channel-map pixels and histogram bars: the pure half of the activation panel's drawing.

import assert from 'node:assert/strict';
import { viridis } from '../../../src/webview/colormap.js';
import { formatShape } from '../../../src/graph/shape.js';
import { base64ToBytes, histogramBars, mapAriaLabel, mapCaption, mapToRgba } from '../../../src/webview/maps.js';

describe('channel map pixels', () => {
  const bytes = Uint8Array.from([0, 255, 128, 64]);
  const data = Buffer.from(bytes).toString('base64');

  it('decodes base64 as the worker encodes it', () => {
    assert.deepEqual(base64ToBytes(data), bytes);
    assert.deepEqual(base64ToBytes(''), new Uint8Array(0));
  });

  it('turns a 2×2 map into 16 opaque RGBA bytes coloured by viridis(byte / 255)', () => {
    const rgba = mapToRgba(new Uint8Array(Buffer.from(data, 'base64')));
    assert.equal(rgba.length, 16);
    for (let pixel = 0; pixel < 4; pixel++) {
      assert.equal(rgba[pixel * 4 + 3], 255);
      assert.deepEqual([...rgba.subarray(pixel * 4, pixel * 4 + 3)], [...viridis(bytes[pixel]! / 255)]);
    }
    assert.deepEqual([...rgba.subarray(0, 4)], [68, 1, 84, 255]);
    assert.deepEqual([...rgba.subarray(4, 8)], [253, 231, 37, 255]);
  });
});

describe('histogram bars', () => {
  it('makes bars proportional to the counts, the tallest full height', () => {
    const bars = histogramBars([0, 5, 10, 2], 200, 50, 2);
    assert.deepEqual(
      bars.map((bar) => bar.height),
      [0, 25, 50, 10],
    );
    assert.deepEqual(
      bars.map((bar) => bar.x),
      [0, 50, 100, 150],
    );
    assert.ok(bars.every((bar) => bar.width === 48));
  });

  it('gives every bar zero height when the histogram is empty', () => {
    const bars = histogramBars(new Array<number>(32).fill(0), 320, 64);
    assert.equal(bars.length, 32);
    assert.ok(bars.every((bar) => bar.height === 0));
    assert.deepEqual(histogramBars([], 320, 64), []);
  });
});

describe('map labels', () => {
  it('names a channel, or the row of the batch item for a rank-2 tensor', () => {
    assert.equal(mapCaption(4, 3, 0), 'ch 3');
    assert.equal(mapCaption(2, 0, 5), 'row of item 5');
    assert.equal(mapAriaLabel(4, 3, 0, { min: -0.5, max: 2 }), 'channel 3, min -0.5000 max 2');
    assert.equal(mapAriaLabel(2, 0, 1, { min: 0, max: 0.25 }), 'row of item 1, min 0 max 0.2500');
  });

  it('writes shapes as NumPy does', () => {
    assert.equal(formatShape([1, 30, 30, 32]), '(1, 30, 30, 32)');
    assert.equal(formatShape([5]), '(5,)');
    assert.equal(formatShape([]), '()');
  });
});
