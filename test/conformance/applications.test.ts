// Every builder of keras.applications, in every argument variant that changes
// its graph (generate-applications.py, from the builders' own signatures),
// analysed as a file calling it: each summary row, the totals, or the error
// Keras raises, exactly as real Keras gave them.

import assert from 'node:assert/strict';
import { Analyzer } from '../../src/analysis/analyze.js';
import { kerasVersionOfApplications } from '../../src/analysis/keras/functions/applications.js';
import { applicationReferences, compareVariant } from './applications.js';

describe('keras.applications against real Keras', function () {
  this.timeout(300_000);
  let analyzer: Analyzer;
  before(async () => (analyzer = await Analyzer.create()));
  after(() => analyzer.dispose());

  const references = applicationReferences();

  it('has a reference for each of the 40 builders, recorded with the Keras whose sources are read', () => {
    assert.equal(references.length, 40);
    for (const reference of references) assert.equal(reference.keras, kerasVersionOfApplications, reference.builder);
  });

  for (const reference of references) {
    it(`${reference.builder}: ${reference.variants.length} variants, every row and error as Keras's`, () => {
      const wrong = reference.variants
        .map((variant) => compareVariant(analyzer, variant))
        .filter((outcome) => !outcome.ok)
        .map((outcome) => `${outcome.call}\n    ${outcome.differences.slice(0, 4).join('\n    ')}`);
      assert.deepEqual(wrong, []);
    });
  }
});
