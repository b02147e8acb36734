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

  it('values that depend on a weight made by add_weight are not evaluated yet, and say why', () => {
    const settings: EvaluationSettings = {
      input: { source: { kind: 'uniform' }, batchSize: 1 },
      weights: { kind: 'initializers' },
      seed: 0,
      memoryBudgetBytes: 2 ** 30,
    };
    const plan = planEvaluations(analysis, bindingsOf(analysis, 'outputs'), settings);
    assert.deepEqual(plan.requests, []);
    assert.deepEqual(
      plan.skipped.map((s) => s.reason),
      ['its values depend on the weight `pos` of PatchEmbedding, made by add_weight, whose values are not evaluated yet'],
    );
  });
});
