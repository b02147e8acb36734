// Lambda layers: the function is followed on the call's tensors, through the same op rules and kernels as keras.ops
// calls written out. Expected shapes, dtypes and values were printed by Keras 3.15.1 (jax) running this source and
// `m.predict(x)` on x = sample((2, 8, 4), 0) (helpers/backends.ts `sample`), first six values of each output.

import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { assertKerasValues, modelOfBinding, onEachBackend, sample } from './helpers/backends.js';
import { analyze, bindingsOf, messages } from './helpers/analysis.js';
import { formatShape } from '../../src/graph/shape.js';
import { summarizeModel } from '../../src/graph/summary.js';
import type { Analysis } from '../../src/analysis/analyze.js';

const source = `import keras
from keras import layers, ops

inputs = keras.Input((8, 4))
a = layers.Lambda(lambda t: ops.mean(t, axis=1))(inputs)
def scale(t, factor=2.0):
    return t * factor
b = layers.Lambda(scale, arguments={"factor": 3.0})(inputs)
c = layers.Lambda(lambda t: ops.argmax(t, axis=-1))(inputs)
d = layers.Lambda(lambda t: t[:, :2], output_shape=(2, 4))(inputs)
e = layers.Lambda(lambda t: ops.reshape(t, (-1, 32)), output_shape=lambda s: (s[0], 32))(inputs)
f = layers.Lambda(ops.relu)(inputs)
g = layers.Lambda(lambda ts: ts[0] + ts[1])([inputs, inputs])
h = layers.Lambda(lambda t: ops.sum(t, axis=1), output_shape=(5,))(inputs)
m = keras.Model(inputs, [a, b, c, d, e, f, g])
`;

const keras: Record<string, [shape: string, values: number[]]> = {
  a: ['(None, 4) float32', [0.007375, 0.022625, 0.001625, -0.021625, 0.00425, 0.022875]],
  b: ['(None, 8, 4) float32', [0.0, 2.94, 1.173, -2.472, -2.16, 1.611]],
  // Keras's symbolic Lambda output has the layer's compute dtype, whatever the function returns.
  c: ['(None, 8) float32', [1, 2, 2, 3, 3, 0]],
  d: ['(None, 2, 4) float32', [0.0, 0.98, 0.391, -0.824, -0.72, 0.537]],
  e: ['(None, 32) float32', [0.0, 0.98, 0.391, -0.824, -0.72, 0.537]],
  f: ['(None, 8, 4) float32', [0.0, 0.98, 0.391, 0.0, 0.0, 0.537]],
  g: ['(None, 8, 4) float32', [0.0, 1.96, 0.782, -1.648, -1.44, 1.074]],
};

function shapeAndDtype(analysis: Analysis, name: string): string {
  const value = bindingsOf(analysis, name).at(-1)!.value;
  if (value.kind !== 'tensor') return value.kind === 'unknown' ? `unknown: ${value.reason}` : value.kind;
  const tensor = analysis.tensors[value.tensor]!;
  return `${formatShape(tensor.shape)} ${tensor.dtype}`;
}

describe('Lambda layers follow their function', () => {
  let analysis: Analysis;
  before(async () => {
    analysis = await analyze(source);
  });

  it('gives the shapes and dtypes Keras gives, declared output_shape included, with no diagnostic', () => {
    assert.deepEqual(messages(analysis), []);
    for (const [name, [shape]] of Object.entries(keras)) {
      assert.equal(shapeAndDtype(analysis, name), shape, name);
    }
    // output_shape=(5,) is what Keras's symbolic call gives, although the function computes (None, 4).
    assert.equal(shapeAndDtype(analysis, 'h'), '(None, 5) float32');
  });

  it("lists as Keras's summary does: one Lambda row each, no params", () => {
    const summary = summarizeModel(analysis, analysis.models.at(-1)!);
    assert.deepEqual(
      summary.rows.map((r) => `${r.name} (${r.className}) ${JSON.stringify(r.outputShapes)} ${r.params}`),
      [
        'input_layer (InputLayer) [[null,8,4]] 0',
        'lambda (Lambda) [[null,4]] 0',
        'lambda_1 (Lambda) [[null,8,4]] 0',
        'lambda_2 (Lambda) [[null,8]] 0',
        'lambda_3 (Lambda) [[null,2,4]] 0',
        'lambda_4 (Lambda) [[null,32]] 0',
        'lambda_5 (Lambda) [[null,8,4]] 0',
        'lambda_6 (Lambda) [[null,8,4]] 0',
      ],
    );
  });

  it('a Python activation that cannot be followed keeps the shape, and is not evaluated as if it were linear', async () => {
    const a = await analyze(`import keras
def opaque(t):
    return mystery(t)
x = keras.Input((4,))
y = keras.layers.Dense(3, activation=opaque)(x)`);
    assert.equal(shapeAndDtype(a, 'y'), '(None, 3) float32');
    await assert.rejects(
      modelOfBinding(a, 'y'),
      /Dense 'dense' is not evaluated: its activation `opaque` is not followed \("mystery" is not defined\)/,
    );
  });

  it("a functional model called on an array runs its Lambdas' functions and activations, as Keras does eagerly", async () => {
    // Keras 3.15.1 (jax): y (None, None, None, 3) from output_shape; the eager call gives what the function computes.
    const a = await analyze(`import keras
import numpy as np
def double(t):
    return t * 2
x = keras.Input((None, 3))
y = keras.layers.Lambda(
    lambda t: keras.ops.tril(keras.ops.ones((keras.ops.shape(t)[1], keras.ops.shape(t)[1]))),
    output_shape=(None, None, 3),
)(x)
z = keras.layers.Dense(4, activation=double)(x)
result, doubled = keras.Model(x, [y, z])(np.ones((1, 2, 3), "float32"))`);
    assert.deepEqual(messages(a), []);
    assert.equal(shapeAndDtype(a, 'y'), '(None, None, None, 3) float32');
    assert.equal(shapeAndDtype(a, 'result'), '(2, 2) float32');
    assert.equal(shapeAndDtype(a, 'doubled'), '(1, 2, 4) float32');
  });

  it('an int output_shape raises as in Keras', async () => {
    const a = await analyze('import keras\nx = keras.Input((4,))\ny = keras.layers.Lambda(lambda t: t, output_shape=4)(x)');
    assert.deepEqual(messages(a, 'error'), ['can only concatenate tuple (not "int") to tuple']);
  });

  onEachBackend(() => {
    for (const name of Object.keys(keras)) {
      it(`${name} evaluates to Keras's values`, async () => {
        const model = await modelOfBinding(analysis, name);
        const output = tf.tidy(() => model.predict(tf.tensor(sample([2, 8, 4], 0), [2, 8, 4])) as tf.Tensor);
        assertKerasValues(Array.from(output.dataSync()).slice(0, 6), keras[name]![1]);
        output.dispose();
      });
    }

    it('a Lambda whose output_shape differs from what its function computes is not evaluated, and says why', async () => {
      await assert.rejects(modelOfBinding(analysis, 'h'), /Lambda 'lambda_7' computes \(None, 4\), not its output_shape \(None, 5\)/);
    });
  });
});
