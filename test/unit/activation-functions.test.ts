// A Python function given as the `activation` of a layer that applies it last (Dense, Conv*, EinsumDense,
// Activation): followed on the layer's output, evaluated through the op kernels with the layer run linear. Keras
// 3.15.1 (jax) printed for this file: y [[7.8561 7.8561 7.8561]] (ones through Dense(3, kernel ones): 4, then
// 4 * sigmoid(4) * 2), every shape (None, 3) / (1, 3), and the summary rows 15, 12, 12 params.

import assert from 'node:assert/strict';
import type { Analysis } from '../../src/analysis/analyze.js';
import { Evaluator } from '../../src/engine/evaluator.js';
import { planEvaluations, type EvaluationSettings } from '../../src/engine/plan.js';
import { summarizeModel } from '../../src/graph/summary.js';
import { analyze, bindingsOf, messages } from './helpers/analysis.js';

const source = `import keras
import numpy as np
from keras import layers, ops

def swish2(x):
    return x * ops.sigmoid(x) * 2.0

x = keras.Input((4,))
h = layers.Dense(3, activation=swish2)(x)
z = layers.Dense(3, activation=lambda t: ops.leaky_relu(t, 0.2))(h)
w = layers.Dense(3, activation=lambda t: t[:, :2])(z)
m = keras.Model(x, w)
y = layers.Dense(3, activation=swish2, kernel_initializer="ones")(np.ones((1, 4), dtype="float32"))
`;

const settings: EvaluationSettings = {
  input: { source: { kind: 'ones' }, batchSize: 1 },
  weights: { kind: 'initializers' },
  seed: 0,
  memoryBudgetBytes: 2 ** 30,
};

describe('Python functions as activations', () => {
  let analysis: Analysis;
  before(async () => {
    analysis = await analyze(source);
  });

  it("keep the layer's summary and output, as Keras's compute_output_shape gives them", () => {
    assert.deepEqual(messages(analysis), []);
    const rows = summarizeModel(analysis, analysis.models[0]!).rows;
    assert.deepEqual(
      rows.map((r) => `${r.name} ${JSON.stringify(r.outputShapes)} ${r.params}`),
      ['input_layer [[null,4]] 0', 'dense [[null,3]] 15', 'dense_1 [[null,3]] 12', 'dense_2 [[null,3]] 12'],
    );
    assert.equal(analysis.layers.find((l) => l.name === 'dense')!.config['activation'], 'swish2');
  });

  it("evaluate through the function's ops, the layer run without it", async () => {
    const plan = planEvaluations(analysis, bindingsOf(analysis, 'y'), settings);
    const result = await (await Evaluator.create('cpu')).evaluate({ ...plan.requests[0]!.request, withValues: true });
    const expected = Math.fround(4 * (1 / (1 + Math.exp(-4))) * 2);
    for (const value of result.outputs[0]!.values!) assert.ok(Math.abs(value - expected) < 1e-5, `${value} vs ${expected}`);
  });

  it("refuse values where the function does not keep the layer's shape, and say why", () => {
    const plan = planEvaluations(analysis, bindingsOf(analysis, 'w'), settings);
    assert.deepEqual(
      plan.skipped.map((s) => s.reason),
      ["Dense 'dense_2' is not evaluated: its activation `<lambda>` computes (None, 2) float32, not the layer's (None, 3) float32"],
    );
    assert.deepEqual(planEvaluations(analysis, bindingsOf(analysis, 'z'), settings).skipped, [], 'a lambda that keeps the shape evaluates');
  });
});
