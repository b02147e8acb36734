// The summarised values read exactly as NumPy prints them (edgeitems=3,
// precision=4). Expected texts were printed by NumPy itself (test/fixtures/numpy-format.json).

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatArray } from '../../src/engine/numpy-format.js';
import { fixturesDirectory } from './helpers/analysis.js';

/** NaN and infinities are stored as Python spells them: "nan", "inf", "-inf". */
const cases = JSON.parse(readFileSync(join(fixturesDirectory, 'numpy-format.json'), 'utf8')) as Record<
  string,
  { shape: number[]; data: (number | string)[]; text: string }
>;
const toNumber = (v: number | string): number => (typeof v === 'number' ? v : v === 'nan' ? NaN : v === 'inf' ? Infinity : -Infinity);

describe('NumPy-style values', () => {
  for (const [title, c] of Object.entries(cases)) {
    it(title, () => {
      assert.equal(formatArray(Float32Array.from(c.data.map(toNumber)), c.shape), c.text);
    });
  }

  it('integers and scalars', () => {
    assert.equal(formatArray([3, 10, -2], [3], true), '[ 3 10 -2]');
    assert.equal(formatArray([3.5], []), '3.5');
  });
});
