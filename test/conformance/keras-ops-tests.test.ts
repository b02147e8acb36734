// Keras's own ops shape tests as fixtures (reference/keras-ops-tests.json, mined by
// mine-keras-ops-tests.py from the pinned Keras's keras/src/ops/*_test.py: every call of a
// public keras.ops function that a *ShapeTest makes on KerasTensors, with Keras's outcome), in two tiers:
// - never wrong, for every op: a known output shape or dtype is Keras's, and the analysis reports
//   no error and no warning on a call Keras accepts;
// - pass, for the ops the registry models (`apiEntry(path)`): Keras's output shapes and dtypes,
//   and an error wherever Keras raises.
// Ops not modelled yet are reported (keras-ops-tests-report.ts), not failed.

import assert from 'node:assert/strict';
import { Analyzer } from '../../src/analysis/analyze.js';
import { kerasVersionOfSignatures } from '../../src/analysis/keras/registry.js';
import { needsPinning } from './keras-ops-tests-report.js';
import { describeResult, difference, fileOf, isModelled, judgeCase, type OpsResult, opsReference } from './keras-ops-tests.js';

/**
 * Cases that fail today, each with its concrete difference (`difference()`), so that the suite is green while the
 * rules are fixed: every wrong case, and every case of a modelled op that does not pass. An entry that passes again
 * fails the suite: delete it then. Regenerate the body with
 * `node --import tsx test/conformance/keras-ops-tests-report.ts --known-differences`. Keyed by case id.
 */
const knownDifferences: Readonly<Record<string, string>> = {};

const document = opsReference();

function opsList(ops: readonly string[]): string {
  const distinct = [...new Set(ops)].map((op) => op.replace(/^keras\.ops\./, ''));
  return distinct.length <= 8 ? distinct.join(', ') : `${distinct.length} ops`;
}

describe("Keras's own ops shape tests (every keras.ops call on KerasTensors of the *ShapeTest classes of keras/src/ops)", function () {
  this.timeout(120_000);
  let analyzer: Analyzer;
  const results = new Map<string, OpsResult>();
  before(async () => {
    analyzer = await Analyzer.create();
    for (const c of document.cases) results.set(c.id, judgeCase(analyzer, document, c));
  });
  after(() => analyzer.dispose());

  /** Results that should pass the tier and do not, beyond those pinned with their exact difference. */
  const failing = (ids: readonly string[], passes: (r: OpsResult) => boolean): string[] =>
    ids
      .map((id) => results.get(id)!)
      .filter((r) => !passes(r) && knownDifferences[r.case.id] !== difference(r))
      .map(describeResult);

  it(`the reference was mined from the pinned Keras (${document.cases.length} cases from ${document.files.length} files), each usable or skipped with a reason`, () => {
    assert.equal(document.keras, kerasVersionOfSignatures, 'mine the reference again with the pinned Keras');
    assert.equal(document.backend, 'jax');
    assert.ok(document.cases.length > 1000, `${document.cases.length} cases`);
    assert.deepEqual(
      document.cases.filter((c) => c.skip === '').map((c) => c.id),
      [],
      'a skip without a reason',
    );
    assert.equal(new Set(document.cases.map((c) => c.id)).size, document.cases.length, 'two cases with one id');
    assert.deepEqual(
      document.cases.filter((c) => !(c.op in document.public_ops)).map((c) => c.op),
      [],
      'an op that is not a public function of keras.ops',
    );
  });

  it('every known difference is still one, with the same text (delete those that pass)', () => {
    const stale = Object.entries(knownDifferences).flatMap(([id, pinned]) => {
      const r = results.get(id);
      if (!r) return [`${id}: no such case: delete it`];
      if (!needsPinning(r)) return [`${id}: ${r.status} now: delete it`];
      const now = difference(r);
      return now === pinned ? [] : [`${id}: the difference is now ${JSON.stringify(now)}`];
    });
    assert.deepEqual(stale, []);
  });

  for (const file of document.files.filter((f) => f.cases > 0)) {
    const cases = document.cases.filter((c) => fileOf(c.id) === file.file);
    const ids = cases.map((c) => c.id);
    const modelled = cases.filter((c) => isModelled(c.op));
    describe(file.file, () => {
      it(`never wrong: Keras's output shapes and dtypes or unknown, no error or warning where Keras accepts (${cases.length} cases)`, () => {
        assert.deepEqual(
          failing(ids, (r) => r.status !== 'wrong'),
          [],
        );
      });
      if (modelled.length > 0)
        it(`every case of the modelled ops passes (${modelled.length} cases of ${opsList(modelled.map((c) => c.op))})`, () => {
          assert.deepEqual(
            failing(
              modelled.map((c) => c.id),
              (r) => r.status === 'pass' || r.status === 'skipped',
            ),
            [],
          );
        });
    });
  }
});
