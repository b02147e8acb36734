// A custom layer's call() as Keras traces it on the JAX backend: every None size of its inputs is one named size, so
// that `ops.shape(x)[0]` is a size a reshape's -1 divides; the layers appended to a list attribute are tracked; the ops
// inside call() take no auto-name. Keras 3.15.1 (jax) printed, for this file,
//   (None, 12, 4) (None, None, 4) (None, None, 4) (None, 6, 4) ['input_layer', 'stack', 'add'] 56 2.8284270763397217
// (fixed.shape, free.shape, top.shape, stacked.shape, the model's layer names, Stack's count_params(), scale).

import assert from 'node:assert/strict';
import type { Analysis } from '../../src/analysis/analyze.js';
import { Evaluator } from '../../src/engine/evaluator.js';
import { planEvaluations, type EvaluationSettings } from '../../src/engine/plan.js';
import { formatShape } from '../../src/graph/shape.js';
import { summarizeModel } from '../../src/graph/summary.js';
import { analyze, bindingsOf, messages } from './helpers/analysis.js';

const source = `import keras
import numpy as np
from keras import layers, ops

class Heads(layers.Layer):
    def call(self, x):
        b = ops.shape(x)[0]
        n = ops.shape(x)[1]
        return ops.reshape(x, (b, n * 2, -1))

class Stack(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.blocks = []
        for units in (4, 4):
            self.blocks.append(layers.Dense(units))
    def call(self, x, training=None):
        for block in self.blocks:
            x = block(x)
        return x + 1.0

inputs = keras.Input((6, 8))
fixed = Heads()(inputs)
free = Heads()(keras.Input((None, 8)))
top = ops.reshape(inputs, (ops.shape(inputs)[0], -1, 4))
stacked = Stack()(inputs)
later = layers.Add()([stacked, stacked])
scale = ops.sqrt(ops.cast(8, "float32"))
model = keras.Model(inputs, later)
`;

const settings: EvaluationSettings = {
  input: { source: { kind: 'uniform' }, batchSize: 3 },
  weights: { kind: 'initializers' },
  seed: 0,
  memoryBudgetBytes: 2 ** 30,
};

function shapeOf(analysis: Analysis, name: string): string {
  const value = bindingsOf(analysis, name).at(-1)!.value;
  return value.kind === 'tensor' ? formatShape(analysis.tensors[value.tensor]!.shape) : value.kind;
}

describe("a custom layer's call() traced as Keras traces it", () => {
  let analysis: Analysis;
  before(async () => {
    analysis = await analyze(source);
  });

  it('divides a reshape by the traced size; outside a layer, a None size stays None', () => {
    assert.deepEqual(messages(analysis), []);
    assert.deepEqual(
      ['fixed', 'free', 'top', 'stacked'].map((name) => shapeOf(analysis, name)),
      ['(None, 12, 4)', '(None, None, 4)', '(None, None, 4)', '(None, 6, 4)'],
    );
  });

  it('tracks the layers appended to a list attribute, and the ops inside call() take no auto-name', () => {
    const summary = summarizeModel(analysis, analysis.models.at(-1)!);
    assert.deepEqual(
      summary.rows.map((r) => `${r.name} ${r.params}`),
      ['input_layer 0', 'stack 56', 'add 0'],
    );
  });

  it('evaluates a reshape by ops.shape(x)[0] with the batch size it runs with', async () => {
    const plan = planEvaluations(
      analysis,
      ['inputs', 'fixed'].map((name) => bindingsOf(analysis, name).at(-1)!),
      settings,
    );
    assert.deepEqual(plan.skipped, []);
    const evaluator = await Evaluator.create('cpu');
    const [x, y] = await Promise.all(
      ['inputs', 'fixed'].map(async (name) => {
        const request = plan.requests.find((r) => r.bindings.flat().some((b) => b.name === name))!;
        const result = await evaluator.evaluate({ ...request.request, withValues: true });
        return result.outputs[request.bindings.findIndex((b) => b.some((c) => c.name === name))]!;
      }),
    );
    assert.deepEqual(y!.shape, [3, 12, 4]);
    assert.deepEqual(y!.values, x!.values, 'a reshape keeps the values in order');
  });

  it('computes an op on Python values alone at once (ops.cast(8, "float32"), then its sqrt)', async () => {
    const plan = planEvaluations(analysis, bindingsOf(analysis, 'scale'), settings);
    const result = await (await Evaluator.create('cpu')).evaluate({ ...plan.requests[0]!.request, withValues: true });
    assert.deepEqual(result.outputs[0]!.values, [Math.fround(Math.sqrt(8))]);
  });
});

describe('layers and activations a custom layer calls', () => {
  it('training=None given explicitly is no choice: a Dropout in a model still runs at inference', async () => {
    const analysis = await analyze(`import keras
from keras import layers
class Block(layers.Layer):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.drop = layers.Dropout(0.5)
    def call(self, x, training=None):
        return self.drop(x, training=training)
y = Block()(keras.Input((4,)))
`);
    const plan = planEvaluations(analysis, bindingsOf(analysis, 'y'), settings);
    assert.deepEqual(plan.skipped, []);
  });

  it('keras.activations.linear, get(None) and get("linear") return their argument', async () => {
    const analysis = await analyze(`import keras
x = keras.Input((3,))
a = keras.activations.get("linear")(x)
b = keras.activations.get(None)(x)
c = keras.activations.linear(x)
`);
    const x = bindingsOf(analysis, 'x')[0]!.value;
    for (const name of ['a', 'b', 'c']) assert.deepEqual(bindingsOf(analysis, name)[0]!.value, x, name);
  });

  it('a functional model of unknown outputs is still a model, and takes its auto-name', async () => {
    const analysis = await analyze(`import keras
x = keras.Input((3,))
m = keras.Model(x, mystery(x))
m2 = keras.Model(x, keras.layers.Dense(2)(x))
`);
    assert.deepEqual(
      analysis.models.map((id) => analysis.layers[id]!.name),
      ['functional', 'functional_1'],
    );
    assert.equal(summarizeModel(analysis, analysis.models[0]!).unknownReason, 'the inputs or outputs of this model are not known tensors');
  });

  it('layer.build(input_shape) makes its weights; a custom layer building a sublayer so counts it (Keras: 32, 156)', async () => {
    const analysis = await analyze(`import keras
from keras import layers
d = layers.Dense(8)
d.build((None, 3))
class Cross(layers.Layer):
    def build(self, input_shape):
        self.dense = layers.Dense(input_shape[-1])
        self.dense.build(input_shape)
    def call(self, x):
        return x * self.dense(x)
    def compute_output_shape(self, input_shape):
        return input_shape
x = keras.Input((12,))
m = keras.Model(x, Cross()(x))
`);
    assert.equal(analysis.layers.find((l) => l.name === 'dense')!.params, 32);
    const rows = summarizeModel(analysis, analysis.models.at(-1)!).rows;
    assert.deepEqual(
      rows.map((r) => `${r.name} ${r.params}`),
      ['input_layer 0', 'cross 156'],
    );
  });

  it("Sequential's second positional argument is trainable, its third the name (Keras: 'seq', trainable False)", async () => {
    const analysis = await analyze(`import keras
s = keras.Sequential([keras.layers.Dense(2)], False, "seq")
`);
    assert.equal(analysis.layers[analysis.models[0]!]!.name, 'seq');
  });
});
