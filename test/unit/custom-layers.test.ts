// Custom layers defined in the file, in the styles real code uses: a patch embedding with a position weight made in
// build(), a layer scale with a trainable and a non-trainable add_weight, and a transformer encoder block holding
// LayerNormalization, MultiHeadAttention, a Sequential MLP and the layer scale (the conformance fixture
// vit_custom_layers.py). The expected summary is what `model.summary()` printed in Keras 3.15.1 (jax) for it.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Analysis } from '../../src/analysis/analyze.js';
import { formatShape } from '../../src/graph/shape.js';
import { summarizeModel } from '../../src/graph/summary.js';
import { Evaluator } from '../../src/engine/evaluator.js';
import { planEvaluations, type EvaluationSettings } from '../../src/engine/plan.js';
import { analyze, bindingsOf, messages } from './helpers/analysis.js';

const source = readFileSync(join(import.meta.dirname, '..', 'conformance', 'models', 'vit_custom_layers.py'), 'utf8');

function shapeOf(analysis: Analysis, name: string): string {
  const value = bindingsOf(analysis, name).at(-1)!.value;
  return value.kind === 'tensor' ? formatShape(analysis.tensors[value.tensor]!.shape) : `${value.kind}`;
}

describe('custom layers: weights made in build(), sublayers, a Sequential inside call()', () => {
  let analysis: Analysis;
  before(async () => {
    analysis = await analyze(source);
  });

  it("gives Keras's summary: names, output shapes and params (add_weight trainable or not)", () => {
    assert.deepEqual(messages(analysis), []);
    const summary = summarizeModel(analysis, analysis.models.at(-1)!);
    assert.equal(summary.name, 'functional_1');
    assert.deepEqual(
      summary.rows.map((r) => `${r.name} (${r.className}) ${JSON.stringify(r.outputShapes)} ${r.params}`),
      [
        'input_layer (InputLayer) [[null,32,32,3]] 0',
        'patch_embedding (PatchEmbedding) [[null,64,64]] 7232',
        'encoder_block (EncoderBlock) [[null,64,64]] 33537',
        'global_average_pooling1d (GlobalAveragePooling1D) [[null,64]] 0',
        'dense_2 (Dense) [[null,10]] 650',
      ],
    );
    assert.equal(summary.totalParams, 41419);
  });

  it('a weight is a tensor of its shape inside call(), and a Sequential called there is built on its input', () => {
    assert.equal(shapeOf(analysis, 'self.pos'), '(1, 64, 64)');
    assert.equal(shapeOf(analysis, 'self.gamma'), '(64,)');
    assert.equal(shapeOf(analysis, 'h'), '(None, 64, 64)');
    assert.equal(shapeOf(analysis, 'outputs'), '(None, 10)');
  });

  it("weights made by add_weight get their initializer's numbers, seeded like the layers' (zeros, Constant(1e-4))", async () => {
    const evaluator = await Evaluator.create('cpu');
    const settings: EvaluationSettings = {
      input: { source: { kind: 'uniform' }, batchSize: 1 },
      weights: { kind: 'initializers' },
      seed: 0,
      memoryBudgetBytes: 2 ** 30,
    };
    const plan = planEvaluations(
      analysis,
      ['self.pos', 'self.gamma', 'outputs'].map((name) => bindingsOf(analysis, name).at(-1)!),
      settings,
    );
    assert.deepEqual(plan.skipped, []);
    const results = await Promise.all(plan.requests.map((r) => evaluator.evaluate(r.request)));
    const summaries = new Map(plan.requests.flatMap((r, i) => r.bindings.map((b, j) => [b[0]!.name, results[i]!.outputs[j]!] as const)));
    assert.deepEqual(
      [summaries.get('self.pos')!.shape, summaries.get('self.pos')!.max, summaries.get('self.pos')!.min],
      [[1, 64, 64], 0, 0],
    );
    assert.deepEqual([summaries.get('self.gamma')!.shape, summaries.get('self.gamma')!.mean], [[64], Math.fround(1e-4)]);
    const probabilities = summaries.get('outputs')!;
    assert.deepEqual(probabilities.shape, [1, 10]);
    assert.ok(Math.abs(probabilities.mean * 10 - 1) < 1e-5, 'a softmax over 10 classes sums to 1');
  });

  it("a weights file gives each add_weight its own numbers: the layer's variables, trainable ones first", async () => {
    const evaluator = await Evaluator.create('cpu');
    const reference = join(import.meta.dirname, '..', 'conformance', 'reference', 'vit_custom_layers', 'model.weights.h5');
    const settings: EvaluationSettings = {
      input: { source: { kind: 'uniform' }, batchSize: 1 },
      weights: { kind: 'file', path: reference },
      seed: 0,
      memoryBudgetBytes: 2 ** 30,
    };
    const plan = planEvaluations(analysis, [bindingsOf(analysis, 'self.gamma').at(-1)!], settings);
    const gamma = (await evaluator.evaluate({ ...plan.requests[0]!.request, withValues: true })).outputs[0]!;
    // Keras saved LayerScale's gamma (trainable, 64 values of 1e-4) as vars/0 and count (not trainable) as vars/1.
    assert.deepEqual([gamma.shape, gamma.min, gamma.max], [[64], Math.fround(1e-4), Math.fround(1e-4)]);
  });

  it('a weights file without the variable, or with another shape of it, is refused with the weight named', async () => {
    const evaluator = await Evaluator.create('cpu');
    const other = await analyze(source.replace('PatchEmbedding(4, 64)', 'PatchEmbedding(8, 64)'));
    const reference = join(import.meta.dirname, '..', 'conformance', 'reference', 'vit_custom_layers', 'model.weights.h5');
    const plan = planEvaluations(other, [bindingsOf(other, 'self.pos').at(-1)!], {
      input: { source: { kind: 'uniform' }, batchSize: 1 },
      weights: { kind: 'file', path: reference },
      seed: 0,
      memoryBudgetBytes: 2 ** 30,
    });
    await assert.rejects(evaluator.evaluate(plan.requests[0]!.request), {
      message: `the weight \`pos\` of patch_embedding has shape (1, 16, 64), but ${reference} holds one of shape (1, 64, 64)`,
    });
  });
});

describe('add_weight', () => {
  const settings: EvaluationSettings = {
    input: { source: { kind: 'uniform' }, batchSize: 1 },
    weights: { kind: 'initializers' },
    seed: 0,
    memoryBudgetBytes: 2 ** 30,
  };
  const layer = (build: string): string => `import keras
from keras import layers

class Scale(layers.Layer):
    def build(self, input_shape):
        ${build}

    def call(self, x):
        return x * self.w

y = Scale()(keras.Input((3,)))
`;

  it('takes shape, initializer and dtype by position, as Keras does', async () => {
    const analysis = await analyze(layer("self.w = self.add_weight((3,), 'ones', 'float32')"));
    assert.deepEqual(messages(analysis), []);
    assert.equal(shapeOf(analysis, 'y'), '(None, 3)');
    const plan = planEvaluations(analysis, bindingsOf(analysis, 'self.w'), settings);
    const result = await (await Evaluator.create('cpu')).evaluate(plan.requests[0]!.request);
    assert.deepEqual([result.outputs[0]!.min, result.outputs[0]!.max], [1, 1]);
  });

  it("refuses a positional name, with Keras's message", async () => {
    const analysis = await analyze(layer("self.w = self.add_weight('w', (3,))"));
    assert.deepEqual(messages(analysis), [
      "`name` must be passed as a keyword argument. Received: add_weight('w', ...). Use: add_weight(shape=..., name='w').",
    ]);
  });

  it('an initializer Tensor Lens cannot read refuses evaluation without a weights file, and says why', async () => {
    const analysis = await analyze(layer('self.w = self.add_weight(shape=(3,), initializer=make_initializer(), name="w")'));
    const plan = planEvaluations(analysis, bindingsOf(analysis, 'y'), settings);
    assert.deepEqual(plan.requests, []);
    assert.match(
      plan.skipped[0]!.reason,
      /^its values depend on the weight `w` of Scale 'scale', whose initializer is not known \(.*make_initializer.*\); a weights file would give them$/,
    );
  });
});

describe('compute_output_shape', () => {
  // Keras 3.15.1 (jax) printed these summaries for the same classes: Pair (None, 9) 24 params when call() is traced to
  // build the Dense; 5 params with a build() of its own, where call() never runs symbolically and the Dense stays
  // unbuilt; Opaque (None, 7) from compute_output_shape alone.
  const pair = (build: string): string => `import keras
from keras import layers, ops

class Pair(layers.Layer):
    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.dense = layers.Dense(units)
${build}
    def call(self, x):
        return ops.concatenate([self.dense(x), x], axis=-1)

    def compute_output_shape(self, input_shape):
        return input_shape[:-1] + (input_shape[-1] + self.dense.units,)

class Opaque(layers.Layer):
    def call(self, x):
        return x.numpy()

    def compute_output_shape(self, input_shape):
        return (input_shape[0], 7)

inputs = keras.Input((5,))
p = Pair(4)(inputs)
q = Opaque()(p)
model = keras.Model(inputs, q)
`;
  const rows = (analysis: Analysis): string[] =>
    summarizeModel(analysis, analysis.models.at(-1)!).rows.map((r) => `${r.name} ${JSON.stringify(r.outputShapes)} ${r.params}`);

  it("gives the layer's output where call() agrees, and its values are the traced ops'", async () => {
    const analysis = await analyze(pair(''));
    assert.deepEqual(rows(analysis), ['input_layer [[null,5]] 0', 'pair [[null,9]] 24', 'opaque [[null,7]] 0']);
    const plan = planEvaluations(analysis, bindingsOf(analysis, 'p'), {
      input: { source: { kind: 'ones' }, batchSize: 1 },
      weights: { kind: 'initializers' },
      seed: 0,
      memoryBudgetBytes: 2 ** 30,
    });
    const result = await (await Evaluator.create('cpu')).evaluate({ ...plan.requests[0]!.request, withValues: true });
    assert.deepEqual(result.outputs[0]!.shape, [1, 9]);
    assert.deepEqual(result.outputs[0]!.values!.slice(4), [1, 1, 1, 1, 1], 'the input, concatenated after the Dense');
  });

  it('gives its shape where call() cannot be followed, and refuses values with the reason', () => {
    return analyze(pair('')).then((analysis) => {
      assert.equal(shapeOf(analysis, 'q'), '(None, 7)');
      const plan = planEvaluations(analysis, bindingsOf(analysis, 'q'), {
        input: { source: { kind: 'ones' }, batchSize: 1 },
        weights: { kind: 'initializers' },
        seed: 0,
        memoryBudgetBytes: 2 ** 30,
      });
      assert.match(plan.skipped[0]!.reason, /^Opaque 'opaque' has a call\(\) Tensor Lens does not follow \(/);
    });
  });

  it('with a build() of its own, leaves the sublayers that only call() would build unbuilt, as Keras does', async () => {
    const analysis = await analyze(
      pair('\n    def build(self, input_shape):\n        self.w = self.add_weight(shape=(input_shape[-1],))\n'),
    );
    assert.deepEqual(rows(analysis), ['input_layer [[null,5]] 0', 'pair [[null,9]] 5', 'opaque [[null,7]] 0']);
  });
});
