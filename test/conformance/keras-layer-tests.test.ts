// Keras's own layer tests as fixtures (reference/keras-layer-tests.json, mined by
// mine-keras-layer-tests.py from the pinned Keras's keras/src/layers/**/*_test.py:
// every call of `run_layer_test`, and every layer call whose output shape a test
// asserts with assertEqual, replayed symbolically by Keras), in two tiers:
// - never wrong, for every case: the layer's output shapes are Keras's or unknown
//   (a partly known shape that differs is wrong), and the analysis reports no
//   error and no warning on a layer call Keras runs;
// - exact, for the classes Tensor Lens models (a shape rule in the registry): the
//   output shapes are Keras's.
// `npm run conformance:report` (keras-layer-tests-report.ts) gives the pass rate per test file.

import assert from 'node:assert/strict';
import { Analyzer } from '../../src/analysis/analyze.js';
import { layerEntry } from '../../src/analysis/keras/registry.js';
import { kerasVersionOfSignatures } from '../../src/analysis/keras/registry.js';
import {
  allCases,
  type CaseResult,
  caseId,
  describeResult,
  judgeCase,
  kerasClassName,
  type MinedCase,
  minedReference,
} from './keras-layer-tests.js';

/**
 * Cases that fail today, each with its concrete difference, so that the suite is green while the rules are fixed.
 * An entry that passes again fails the suite: remove it then. Keyed by `file::test#call`.
 */
const knownDifferences: Readonly<Record<string, string>> = {};

const document = minedReference();
const key = (c: MinedCase): string => `${c.file}::${caseId(c)}`;
const claimed = (c: MinedCase): boolean => layerEntry(kerasClassName(c))?.rule !== undefined;

describe("Keras's own layer tests (every run_layer_test case of keras/src/layers)", function () {
  this.timeout(120_000);
  let analyzer: Analyzer;
  const results = new Map<string, CaseResult>();
  before(async () => {
    analyzer = await Analyzer.create();
    for (const c of allCases(document)) results.set(key(c), judgeCase(analyzer, c));
  });
  after(() => analyzer.dispose());

  const failing = (cases: MinedCase[], passes: (r: CaseResult) => boolean): string[] =>
    cases
      .map((c) => results.get(key(c))!)
      .filter((r) => !passes(r) && !(key(r.case) in knownDifferences))
      .map(describeResult);

  it(`the reference was mined from the pinned Keras (${document.cases.length} run_layer_test cases and ${document.shape_assertions.length} shape assertions from ${document.files.length} files), each usable or skipped with a reason`, () => {
    assert.equal(document.keras, kerasVersionOfSignatures, 'mine the reference again with the pinned Keras');
    assert.equal(document.backend, 'jax');
    assert.ok(document.cases.length > 400, `${document.cases.length} cases`);
    const cases = allCases(document);
    assert.deepEqual(cases.filter((c) => c.skip?.length === 0).map(key), [], 'a skip without a reason');
    assert.equal(new Set(cases.map(key)).size, cases.length, 'two cases with one id');
  });

  it('every known difference is still one (remove those that pass)', () => {
    const fixed = Object.keys(knownDifferences).filter((k) => {
      const r = results.get(k);
      return !r || r.status === 'exact' || (r.status === 'unknown' && !r.claimed);
    });
    assert.deepEqual(fixed, []);
  });

  for (const file of document.files.filter((f) => f.cases + (f.shape_assertions ?? 0) > 0)) {
    const cases = allCases(document).filter((c) => c.file === file.file);
    const modelled = cases.filter(claimed);
    const counts = [
      ...(file.cases > 0 ? [`${file.cases} run_layer_test cases`] : []),
      ...(file.shape_assertions > 0 ? [`${file.shape_assertions} shape assertions`] : []),
    ].join(', ');
    describe(file.file.replace(/^keras\/src\/layers\//, ''), () => {
      it(`never wrong: Keras's output shapes or unknown, no error or warning (${counts})`, () => {
        assert.deepEqual(
          failing(cases, (r) => r.status !== 'wrong'),
          [],
        );
      });
      if (modelled.length > 0)
        it(`exact for the modelled classes (${modelled.length} cases: ${[...new Set(modelled.map(kerasClassName))].join(', ')})`, () => {
          assert.deepEqual(
            failing(modelled, (r) => r.status === 'exact' || r.status === 'skipped'),
            [],
          );
        });
    });
  }
});
