// Tensor Lens against real Keras (test/conformance/reference/, recorded by
// generate.py): every model's summary row by row, and the values of each
// evaluated model's outputs for Keras's own weights and input, on every backend
// available here, to rtol 1e-4 / atol 1e-5.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Analyzer } from '../../src/analysis/analyze.js';
import { Evaluator } from '../../src/engine/evaluator.js';
import { readNpy } from '../../src/engine/inputs/npy.js';
import { buildRequest } from '../../src/engine/plan.js';
import { exportSubgraph } from '../../src/graph/keras-json.js';
import type { BackendName } from '../../src/protocol/engine.js';
import { layerCases } from '../unit/layer-table.js';
import { analyzeReference, layerTableReference, ourLayers, ourModel, references } from './reference.js';

const backends: BackendName[] = ['wasm', 'cpu'];
const rtol = 1e-4;
const atol = 1e-5;

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
          const ours = ourModel(graph, reference, index);
          assert.ok(ours, `${reference.file}: Tensor Lens has no model "${model.name}"`);
          // Keras has no output shape for the layers of a subclassed model (their `output` is undefined; its summary
          // prints "?"): those cells are not compared. tf_keras (the legacy spelling) names layers its own way.
          const rows = ourLayers(ours.summary).map((row, i) =>
            model.layers[i]?.outputShape === null ? { ...row, outputShape: null } : row,
          );
          const comparable = (layers: typeof rows) => (reference.legacy ? layers.map(({ name: _name, ...rest }) => rest) : layers);
          assert.deepEqual(comparable(rows), comparable(model.layers), `${reference.file}: model ${model.name}`);
          assert.equal(ours.summary.totalParams, model.totalParams, `${reference.file}: total params of ${model.name}`);
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
          const graph = analyzeReference(analyzer, reference);
          const index = reference.models.findIndex((m) => m.name === reference.evaluated!.model);
          const model = graph.layers[ourModel(graph, reference, index)!.id]!.model!;
          for (const [j, output] of model.outputs.entries()) {
            const exported = exportSubgraph(graph, [output]);
            const request = buildRequest(graph, [output], [], {
              input: { source: { kind: 'zeros' }, batchSize: 2 },
              weights: { kind: 'file', path: join(reference.dir, 'model.weights.h5') },
              seed: 0,
              memoryBudgetBytes: 2 ** 31,
            });
            const inputSources = exported.inputs.map((t) => ({
              kind: 'npy' as const,
              path: join(reference.dir, `input_${model.inputs.indexOf(t)}.npy`),
            }));
            const result = await evaluator.evaluate({ ...request, inputSources, withValues: true });
            const expected = readNpy(readFileSync(join(reference.dir, `output_${j}.npy`)));
            const actual = result.outputs[0]!;
            assert.deepEqual(actual.shape, expected.shape, `${reference.file}: shape of output ${j}`);
            let worst = { index: -1, actual: 0, expected: 0 };
            actual.values!.forEach((value, i) => {
              const want = expected.data[i]!;
              if (Math.abs(value - want) > atol + rtol * Math.abs(want) && worst.index < 0)
                worst = { index: i, actual: value, expected: want };
            });
            assert.equal(
              worst.index,
              -1,
              `${reference.file}: output ${j}, element ${worst.index}: ${worst.actual} where Keras has ${worst.expected}`,
            );
          }
        });
      }
    });
  }
});
