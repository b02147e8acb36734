// Tensor Lens against real Keras (test/conformance/reference/, recorded by
// generate.py): every model's summary row by row, and the values of each
// evaluated model's outputs for Keras's own weights and input, on every backend
// available here, to rtol 1e-4 / atol 1e-5.

import assert from 'node:assert/strict';
import { Analyzer } from '../../src/analysis/analyze.js';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { diskSources } from '../../src/analysis/modules/module-sources.js';
import { Evaluator } from '../../src/engine/evaluator.js';
import { planEvaluations } from '../../src/engine/plan.js';
import { layerCases } from '../unit/layer-table.js';
import { analyzeReference, compareOutputs, comparableRows, layerTableReference, references, repoRoot } from './reference.js';
import { testBackends } from '../unit/helpers/test-backends.js';

const backends = testBackends;

/**
 * Fixtures whose saved model needs Python code: a layer class of the fixture's own (a saved model holds only its name
 * and config; Keras too needs the class, registered or in `custom_objects`), an op node (a legacy .h5 names its class
 * without its module, and Keras finds no layer of that name), or a Lambda's function (bytecode, which Keras loads only
 * with safe_mode=False). Keras makes the layers in order: the model is unknown from the first, with why.
 */
const customClasses: Readonly<Record<string, (saved: string) => string>> = {
  compute_output_shape_layer: (saved) => custom('FlattenFeatures', saved),
  custom_attention_block: (saved) => custom('MultiHeadSelfAttention', saved),
  patch_embedding_cls: (saved) => custom('Patches', saved),
  residual_scale: (saved) => custom('ConvBN', saved),
  vit_custom_layers: (saved) => custom('PatchEmbedding', saved),
  ops_between_layers: (saved) =>
    saved.endsWith('.h5')
      ? 'layer class `Sigmoid` of model.h5 is not a class of keras.layers'
      : 'the Lambda layer of model.keras holds its function as Python bytecode, which Tensor Lens never runs',
};

function custom(className: string, saved: string): string {
  // A .keras archive names the module of each class; a legacy .h5 only the class.
  return saved.endsWith('.h5')
    ? `layer class \`${className}\` of ${saved} is not a class of keras.layers`
    : `layer class \`${className}\` of ${saved} comes from \`__fixture__\`, code that the file does not hold`;
}

/** Fixtures whose values Keras recorded but the engine refuses today, with the refusal: a test fails once it evaluates. */
const notEvaluatedYet: Readonly<Record<string, RegExp>> = {};

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
      return (
        k.layer !== c.layer ||
        JSON.stringify(k.output) !== JSON.stringify(c.output) ||
        k.params !== c.params ||
        k.nonTrainableParams !== (c.nonTrainableParams ?? 0) ||
        (k.frozenTrainableParams !== null && k.frozenTrainableParams !== (c.frozenTrainableParams ?? 0))
      );
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
          assert.deepEqual(rows.split[0], rows.split[1], `${reference.file}: trainable and non-trainable params of ${model.name}`);
        });
      });
    }
  });

  describe('saved models read back: load_model of the model.keras and model.h5 Keras saved for a fixture, values with their own weights', () => {
    let evaluator: Evaluator;
    before(async () => (evaluator = await Evaluator.create('wasm')));

    for (const saved of ['model.keras', 'model.h5']) {
      for (const reference of references().filter((r) => existsSync(join(r.dir, saved)))) {
        const custom = customClasses[reference.id]?.(saved);
        const checks = custom
          ? 'what Python code it needs unknown, with why'
          : `every row as Keras built it${reference.evaluated ? ', and its outputs' : ''}`;
        it(`${reference.id}, ${saved}: ${checks}`, async () => {
          const graph = await analyzer.analyzeFully(`import keras\nmodel = keras.models.load_model("${saved}")\n`, undefined, {
            file: join(reference.dir, 'load.py'),
            searchRoots: [],
            sources: diskSources(),
          });
          if (custom) {
            const model = graph.bindings.find((b) => b.name === 'model')?.value;
            assert.equal(model?.kind === 'unknown' && model.reason, custom);
            return;
          }
          const rows = comparableRows(
            graph,
            reference,
            reference.models.findIndex((m) => m.name === reference.evaluated!.model),
          );
          assert.ok(rows, `no model ${reference.evaluated!.model} in the file read back`);
          assert.deepEqual(rows.ours, rows.keras);
          assert.deepEqual(rows.split[0], rows.split[1]);
          // No weights file is given: the saved model's own, which load_model loads, must give Keras's outputs.
          const comparisons = await compareOutputs(evaluator, graph, reference, { kind: 'initializers' });
          assert.equal(comparisons.length, reference.evaluated!.outputs);
          for (const { output, shape, mismatch } of comparisons) {
            assert.deepEqual(shape.ours, shape.keras, `shape of output ${output}`);
            assert.equal(
              mismatch,
              undefined,
              `output ${output}, element ${mismatch?.index}: ${mismatch?.ours} where Keras has ${mismatch?.keras}`,
            );
          }
        });
      }
    }
  });

  it("weights=\"imagenet\" with the file in Keras's cache (KERAS_HOME): the base's outputs with that file's weights, as Keras loads them", async () => {
    const reference = references().find((r) => r.id === 'imagenet_from_cache')!;
    const home = process.env['KERAS_HOME'];
    process.env['KERAS_HOME'] = join(reference.dir, 'keras_home');
    let graph;
    try {
      graph = analyzeReference(analyzer, reference);
    } finally {
      if (home === undefined) delete process.env['KERAS_HOME'];
      else process.env['KERAS_HOME'] = home;
    }
    const evaluator = await Evaluator.create('wasm');
    // No weights file is given: the cached ImageNet file the application's code loads gives every weight.
    const [comparison] = await compareOutputs(evaluator, graph, reference, { kind: 'initializers' });
    assert.deepEqual(comparison!.shape.ours, comparison!.shape.keras);
    assert.equal(comparison!.mismatch, undefined, JSON.stringify(comparison!.mismatch));
    // The same file given as the call's weights path, relative to the file's folder, as the application loads it.
    const source = readFileSync(join(repoRoot, reference.file), 'utf8').replaceAll(
      'weights="imagenet"',
      'weights="keras_home/models/mobilenet_2_5_128_tf_no_top.h5"',
    );
    assert.ok(source.includes('keras_home/models'), 'the fixture names weights="imagenet"');
    const given = analyzer.analyze(source, undefined, { file: join(reference.dir, 'model.py'), searchRoots: [], sources: diskSources() });
    const [fromPath] = await compareOutputs(evaluator, given, reference, { kind: 'initializers' });
    assert.equal(fromPath!.mismatch, undefined, JSON.stringify(fromPath!.mismatch));
  });

  for (const [file, reason] of Object.entries(notEvaluatedYet)) {
    it(`${file}: not evaluated yet, and says why`, async () => {
      const reference = references().find((r) => r.file === file)!;
      const graph = analyzeReference(analyzer, reference);
      const model = graph.layers[graph.models.at(-1)!]!.model!;
      const outputs = graph.bindings.filter((b) => b.value.kind === 'tensor' && model.outputs.includes(b.value.tensor));
      const plan = planEvaluations(graph, outputs, {
        input: { source: { kind: 'zeros' }, batchSize: 2 },
        weights: { kind: 'file', path: join(reference.dir, 'model.weights.h5') },
        seed: 0,
        memoryBudgetBytes: 2 ** 31,
      });
      assert.equal(plan.requests.length, 0);
      assert.ok(outputs.length > 0 && plan.skipped.every((s) => reason.test(s.reason)), JSON.stringify(plan.skipped));
    });
  }

  for (const backend of backends) {
    describe(`values on the ${backend} backend`, () => {
      let evaluator: Evaluator;
      before(async () => (evaluator = await Evaluator.create(backend)));

      for (const reference of references().filter((r) => r.evaluated && !(r.file in notEvaluatedYet))) {
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
