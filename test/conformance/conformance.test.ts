// Tensor Lens against real Keras (test/conformance/reference/, recorded by
// generate.py): every model's summary row by row, and the values of each
// evaluated model's outputs for Keras's own weights and input, on every backend
// available here, to rtol 1e-4 / atol 1e-5.

import assert from 'node:assert/strict';
import { Analyzer } from '../../src/analysis/analyze.js';
import { Evaluator } from '../../src/engine/evaluator.js';
import type { BackendName } from '../../src/protocol/engine.js';
import { layerCases } from '../unit/layer-table.js';
import { analyzeReference, compareOutputs, comparableRows, layerTableReference, references } from './reference.js';

const backends: BackendName[] = ['wasm', 'cpu'];

describe('conformance with real Keras', function () {
  this.timeout(120_000);
  let analyzer: Analyzer;
  before(async () => (analyzer = await Analyzer.create()));
  after(() => analyzer.dispose());

  it('the layer table (every layer class and argument variant, run through the analysis in test/unit/layers.test.ts) agrees with Keras', () => {
    const keras = layerTableReference();
    assert.equal(keras.length, layerCases.length, 'regenerate the references: the layer table changed');
    const disagreements = layerCases.filter((c, i) => {
      const k = keras[i]!;
      return k.layer !== c.layer || JSON.stringify(k.output) !== JSON.stringify(c.output) || k.params !== c.params;
    });
    assert.deepEqual(
      disagreements.map((c) => c.layer),
      [],
    );
  });

  describe('summaries: every model, row by row', () => {
    for (const reference of references()) {
      it(`${reference.file} (${reference.models.length} models, Keras ${reference.keras} on ${reference.backend})`, () => {
        const graph = analyzeReference(analyzer, reference);
        reference.models.forEach((model, index) => {
          const rows = comparableRows(graph, reference, index);
          assert.ok(rows, `${reference.file}: Tensor Lens has no model "${model.name}"`);
          assert.deepEqual(rows.ours, rows.keras, `${reference.file}: model ${model.name}`);
          assert.equal(rows.totals[0], rows.totals[1], `${reference.file}: total params of ${model.name}`);
        });
      });
    }
  });

  for (const backend of backends) {
    describe(`values on the ${backend} backend`, () => {
      let evaluator: Evaluator;
      before(async () => (evaluator = await Evaluator.create(backend)));

      for (const reference of references().filter((r) => r.evaluated)) {
        it(`${reference.file}: ${reference.evaluated!.outputs} output(s) of ${reference.evaluated!.model}`, async () => {
          const comparisons = await compareOutputs(evaluator, analyzeReference(analyzer, reference), reference);
          assert.equal(comparisons.length, reference.evaluated!.outputs);
          for (const { output, shape, mismatch } of comparisons) {
            assert.deepEqual(shape.ours, shape.keras, `${reference.file}: shape of output ${output}`);
            assert.equal(
              mismatch,
              undefined,
              `${reference.file}: output ${output}, element ${mismatch?.index}: ${mismatch?.ours} where Keras has ${mismatch?.keras}`,
            );
          }
        });
      }
    });
  }
});
