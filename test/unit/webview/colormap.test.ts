// The viridis table: matplotlib's endpoints and middle, clamping, and a monotone rise in lightness.

import assert from 'node:assert/strict';
import { viridis } from '../../../src/webview/colormap.js';

describe('viridis', () => {
  it('starts dark purple and ends yellow, as matplotlib does', () => {
    assert.deepEqual(viridis(0), [68, 1, 84]);
    assert.deepEqual(viridis(1), [253, 231, 37]);
  });

  it('is teal in the middle', () => {
    const [r, g, b] = viridis(0.5);
    const expected = [33, 145, 140];
    [r, g, b].forEach((channel, i) => assert.ok(Math.abs(channel - expected[i]!) <= 2, `channel ${i}: ${channel}`));
  });

  it('clamps values outside [0, 1] and treats NaN as 0', () => {
    assert.deepEqual(viridis(-3), viridis(0));
    assert.deepEqual(viridis(7), viridis(1));
    assert.deepEqual(viridis(Number.NaN), viridis(0));
  });

  it('gets lighter from one end to the other', () => {
    const luma = (t: number): number => {
      const [r, g, b] = viridis(t);
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    // Per step, rounding to bytes can wobble; over 8 steps of 256 it always rises.
    for (let i = 8; i <= 255; i++) assert.ok(luma(i / 255) > luma((i - 8) / 255), `step ${i}`);
  });
});
