// Tensor Lens against the per-layer-class references test/conformance/generate-layers.py
// recorded mechanically from the pinned Keras (test/conformance/reference-layers/).
// Each case is the Python file a user would write: keras.Input, the layer called
// on it, keras.Model. Two tiers:
//   never wrong, every case of every class: a known output shape or parameter
//     count is Keras's (unknown is fine), and a case Keras accepts gets no error
//     or warning diagnostic;
//   exact, for the classes Tensor Lens models (a shape rule in the registry):
//     the exact shapes and parameter count, and the values (rtol 1e-5, atol 1e-6)
//     computed with Keras's weights and input on the wasm and cpu backends, and on native TensorFlow where tfjs-node loads.
// Cases Keras rejects, for the modelled classes: an error diagnostic with Keras's
// message (the first line, as layer-report.ts prints it), except the pinned ones.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Analyzer } from '../../src/analysis/analyze.js';
import { Evaluator } from '../../src/engine/evaluator.js';
import {
  allLayerCases,
  analyzeCase,
  caseSource,
  compareCaseValues,
  describeValues,
  inexactValues,
  isModelled,
  layerIndex,
  wrongValues,
  type LayerCase,
  type OurCase,
} from './layer-cases.js';
import { kerasMessageCore, layerConformance, readmePath, withClassTable } from './layer-report.js';
import { testBackends } from '../unit/helpers/test-backends.js';

/**
 * Differences of the exact tier that are known today, each with its concrete text (ours against Keras's), keyed by
 * `<case id> <check>`; check: `shapes` (shapes and parameter count) or `values:<backend>`. An entry must match the
 * difference exactly: a changed difference, or a fixed one (then delete the entry), fails the test. The list as of
 * now: `node --import tsx test/conformance/layer-report.ts --known-differences`. The never-wrong tier's violations
 * (`<case id> never-wrong`) are listed the same way: they are bugs to fix first, not tolerances.
 */
const knownDifferences: Readonly<Record<string, readonly (string | RegExp)[]>> = {
  'MelSpectrogram/2 values:wasm': ['output 0, element 210: 0.06427422165870667 where Keras has 0.06427983194589615'],
  'MelSpectrogram/2 values:cpu': ['output 0, element 210: 0.06427370756864548 where Keras has 0.06427983194589615'],
  'MelSpectrogram/2 values:node': ['output 0, element 210: 0.06427421420812607 where Keras has 0.06427983194589615'],
};

/**
 * Cases Keras rejects where Tensor Lens deliberately gives no diagnostic, keyed by case id, each with why. The
 * references are recorded on the JAX backend; a diagnostic is given only where Keras raises on every backend. A pinned
 * case that gets a diagnostic fails the test: then delete its entry.
 */
const rejectedWithoutDiagnostic: Readonly<Record<string, string>> = {
  'BatchNormalization/5': 'synchronized=True is refused only off the TensorFlow backend (a JAX-backend error)',
  'GRU/6': "dtype='float16': the JAX backend refuses numpy's float16 (KeyError); the TensorFlow backend runs it",
  'LSTM/5': "dtype='float16': the JAX backend refuses numpy's float16 (KeyError); the TensorFlow backend runs it",
  'SimpleRNN/5': "dtype='float16': the JAX backend refuses numpy's float16 (KeyError); the TensorFlow backend runs it",
  'MultiHeadAttention/1':
    "value_dim != key_dim fails only in the JAX backend's eager dot_product_attention; the symbolic call and the TensorFlow backend accept it",
  'TextVectorization/1':
    "output_mode='one_hot' fails only on the JAX backend run eagerly (a RaggedTensor is no JAX array); the TensorFlow backend runs it",
};

/**
 * Cases Keras rejects where what we say is deliberately not an error with Keras's message, keyed by case id: our
 * diagnostic (severity, then message) and why. A changed diagnostic fails the test.
 */
const rejectedOtherwise: Readonly<Record<string, { readonly ours: string; readonly reason: string }>> = {
  'IntegerLookup/5': {
    ours: "error `sparse` may only be true if `output_mode` is `'one_hot'`, `'multi_hot'`, `'count'` or `'tf_idf'`. Received: sparse=True and output_mode=int",
    reason: "the JAX backend's own error comes first; the TensorFlow backend raises this one",
  },
  'StringLookup/6': {
    ours: "error `sparse` may only be true if `output_mode` is `'one_hot'`, `'multi_hot'`, `'count'` or `'tf_idf'`. Received: sparse=True and output_mode=int",
    reason: "the JAX backend's own error comes first; the TensorFlow backend raises this one",
  },
};

/** What is not as expected of a rejected case: Keras's error (or the pinned diagnostic) as all we say of it. */
function rejectionProblems(c: LayerCase, ours: OurCase): string[] {
  const said = ours.problems.map((d) => `${d.severity} ${kerasMessageCore(d.message)}`);
  const variant = c.variant ? ` ${c.variant.parameter}=${JSON.stringify(c.variant.value)}` : '';
  if (c.id in rejectedWithoutDiagnostic) {
    return said.length === 0 ? [] : [`${c.id}${variant}: ${said.join(' | ')}; delete its entry in rejectedWithoutDiagnostic`];
  }
  const expected = rejectedOtherwise[c.id]?.ours ?? `error ${kerasMessageCore(c.error!.message)}`;
  if (said.length > 0 && said.every((s) => s === expected)) return [];
  return [`${c.id}${variant}: ${said.length === 0 ? 'no diagnostic' : said.join(' | ')}, expected: ${expected}`];
}

const backends = testBackends;
const classes = allLayerCases();

/** The differences of one check that are not the known ones (a fixed difference is one too: its entry must go). */
function unexpected(check: string, cases: readonly LayerCase[], found: Map<string, string[]>): string[] {
  return cases.flatMap((c) => {
    const key = `${c.id} ${check}`;
    const differences = found.get(c.id) ?? [];
    const knownHere = knownDifferences[key] ?? [];
    const matches = (d: string, k: string | RegExp): boolean => (typeof k === 'string' ? d === k : k.test(d));
    if (differences.length === knownHere.length && differences.every((d, i) => matches(d, knownHere[i]!))) return [];
    if (differences.length === 0) return [`${key}: fixed, delete its entry in knownDifferences`];
    const where = `${c.class}(${Object.keys(c.kwargs).length > 0 ? JSON.stringify(c.kwargs) : ''}) on ${c.candidate}`;
    return [`${key} ${where}: ${differences.join('; ')}${knownHere.length > 0 ? ` (known: ${knownHere.map(String).join('; ')})` : ''}`];
  });
}

describe('layer classes against real Keras (reference-layers/, generate-layers.py)', function () {
  this.timeout(300_000);
  let analyzer: Analyzer;
  const analyses = new Map<string, OurCase>();
  const ours = (c: LayerCase): OurCase => {
    if (!analyses.has(c.id)) analyses.set(c.id, analyzeCase(analyzer, c));
    return analyses.get(c.id)!;
  };
  before(async () => (analyzer = await Analyzer.create()));
  after(() => analyzer.dispose());

  it('every class of keras.layers has cases, or the reason it has none', () => {
    const index = layerIndex();
    assert.ok(index.classes.length > 100, `only ${index.classes.length} classes in the index`);
    for (const entry of index.classes) {
      if (entry.status === 'ok') assert.ok(entry.cases.length > 0, `${entry.class}: status ok without cases`);
      else assert.ok(entry.reason, `${entry.class}: ${entry.status} without a reason`);
    }
    assert.equal(
      index.classes.reduce((n, e) => n + e.aliases.length, 0),
      index.names,
      'every name of keras.layers belongs to one class',
    );
  });

  it("README.md's table of every class is the report's (node --import tsx test/conformance/layer-report.ts --readme)", async () => {
    const readme = readFileSync(readmePath, 'utf8');
    assert.equal(withClassTable(readme, await layerConformance()), readme);
  });

  it('each case renders as the source Keras ran', () => {
    const differing = classes.flatMap(({ cases, rejected }) => [...cases, ...rejected].filter((c) => caseSource(c) !== c.source));
    assert.deepEqual(
      differing.map((c) => ({ id: c.id, ours: caseSource(c), keras: c.source })),
      [],
    );
  });

  describe("never wrong: a known shape or parameter count is Keras's, and no error or warning where Keras accepts", () => {
    for (const { entry, cases } of classes.filter((c) => c.cases.length > 0)) {
      it(`${entry.class} (${cases.length} cases)`, () => {
        const found = new Map(cases.map((c) => [c.id, wrongValues(c, ours(c))]));
        assert.deepEqual(unexpected('never-wrong', cases, found), []);
      });
    }
  });

  const modelled = classes.filter((c) => c.cases.length > 0 && isModelled(c.entry.class));

  describe("rejected: an error diagnostic with Keras's message where Keras rejects the arguments", () => {
    const rejecting = classes.filter((c) => c.rejected.length > 0 && isModelled(c.entry.class));
    for (const { entry, rejected } of rejecting) {
      it(`${entry.class} (${rejected.length} cases)`, () => {
        assert.deepEqual(
          rejected.flatMap((c) => rejectionProblems(c, ours(c))),
          [],
        );
      });
    }

    it('every pinned case is a rejected case of a modelled class', () => {
      const ids = new Set(rejecting.flatMap(({ rejected }) => rejected.map((c) => c.id)));
      const pinned = [...Object.keys(rejectedWithoutDiagnostic), ...Object.keys(rejectedOtherwise)];
      assert.deepEqual(
        pinned.filter((id) => !ids.has(id)),
        [],
      );
    });
  });

  describe('exact for the modelled classes: output shapes and parameter counts', () => {
    for (const { entry, cases } of modelled) {
      it(`${entry.class} (${cases.length} cases)`, () => {
        const found = new Map(cases.map((c) => [c.id, inexactValues(c, ours(c))]));
        assert.deepEqual(unexpected('shapes', cases, found), []);
      });
    }
  });

  for (const backend of backends) {
    describe(`exact for the modelled classes: values on the ${backend} backend (Keras's weights and input)`, () => {
      let evaluator: Evaluator;
      before(async () => {
        evaluator = await Evaluator.create(backend);
        assert.equal(evaluator.backend.name, backend, evaluator.backend.reason);
      });

      for (const { entry, cases } of modelled) {
        const withValues = cases.filter((c) => c.values);
        if (withValues.length === 0) continue;
        it(`${entry.class} (${withValues.length} cases)`, async () => {
          const found = new Map<string, string[]>();
          for (const c of withValues) {
            const difference = describeValues(await compareCaseValues(evaluator, c, ours(c)));
            found.set(c.id, difference === undefined ? [] : [difference]);
          }
          assert.deepEqual(unexpected(`values:${backend}`, withValues, found), []);
        });
      }
    });
  }
});
