// Custom layers defined in the file, in the styles real code uses: a patch embedding with a position weight made in
// build(), a layer scale with a trainable and a non-trainable add_weight, and a transformer encoder block holding
// LayerNormalization, MultiHeadAttention, a Sequential MLP and the layer scale. The expected summary is what
// `model.summary()` printed in Keras 3.15.1 (jax) for this source.

import assert from 'node:assert/strict';
import type { Analysis } from '../../src/analysis/analyze.js';
import { formatShape } from '../../src/graph/shape.js';
import { summarizeModel } from '../../src/graph/summary.js';
import { planEvaluations, type EvaluationSettings } from '../../src/engine/plan.js';
import { analyze, bindingsOf, messages } from './helpers/analysis.js';

const source = `import keras
from keras import layers, ops


class PatchEmbedding(layers.Layer):
    def __init__(self, patch_size, dim, **kwargs):
        super().__init__(**kwargs)
        self.patch_size = patch_size
        self.proj = layers.Conv2D(dim, patch_size, strides=patch_size)

    def build(self, input_shape):
        num_patches = (input_shape[1] // self.patch_size) * (input_shape[2] // self.patch_size)
        self.pos = self.add_weight(shape=(1, num_patches, self.proj.filters), initializer="zeros", name="pos")

    def call(self, images):
        x = self.proj(images)
        b, h, w, c = ops.shape(x)
        x = ops.reshape(x, (-1, h * w, c))
        return x + self.pos


class LayerScale(layers.Layer):
    def __init__(self, init_value=1e-4, **kwargs):
        super().__init__(**kwargs)
        self.init_value = init_value

    def build(self, input_shape):
        self.gamma = self.add_weight(shape=(input_shape[-1],), initializer=keras.initializers.Constant(self.init_value))
        self.count = self.add_weight(shape=(), initializer="zeros", trainable=False, name="count")

    def call(self, x):
        return x * self.gamma


class EncoderBlock(layers.Layer):
    def __init__(self, dim, heads, mlp_dim, **kwargs):
        super().__init__(**kwargs)
        self.norm1 = layers.LayerNormalization(epsilon=1e-6)
        self.attn = layers.MultiHeadAttention(num_heads=heads, key_dim=dim // heads)
        self.norm2 = layers.LayerNormalization(epsilon=1e-6)
        self.mlp = keras.Sequential([layers.Dense(mlp_dim, activation="gelu"), layers.Dense(dim)])
        self.scale = LayerScale()

    def call(self, x, training=None):
        h = self.norm1(x)
        x = x + self.attn(h, h)
        return x + self.scale(self.mlp(self.norm2(x)))


inputs = keras.Input((32, 32, 3))
x = PatchEmbedding(4, 64)(inputs)
x = EncoderBlock(64, 4, 128)(x)
x = layers.GlobalAveragePooling1D()(x)
outputs = layers.Dense(10, activation="softmax")(x)
model = keras.Model(inputs, outputs)
`;

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
