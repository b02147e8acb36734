// The keras.ops that take Python functions. The expected shapes, names and messages are what Keras 3.15.1 (jax)
// printed for these sources; Keras's own ops tests of them run in test/conformance/keras-ops-tests.test.ts, and their
// values in a model, inside custom layers too, in test/conformance/models/control_flow.py.

import assert from 'node:assert/strict';
import { analyze, messages, modelNamed, shapeOf, summaryRows } from './helpers/analysis.js';

const header = `import keras
from keras import ops
x = keras.Input((3, 4))
`;

describe('keras.ops that take Python functions', () => {
  it("on KerasTensors: each op's output as Keras's compute_output_spec gives it", async () => {
    const analysis = await analyze(`${header}
m = ops.map(lambda t: ops.sum(t, axis=-1), x)
md = ops.map(lambda t: {"a": t * 2, "b": ops.mean(t)}, x)
md_a, md_b = md["a"], md["b"]
v = ops.vectorized_map(lambda t: ops.sum(t, axis=-1), x)
s_carry, s_ys = ops.scan(lambda c, t: (c + t, c * t), ops.zeros((3, 4)), x)
l_carry, l_ys = ops.scan(lambda c, t: (c + 1, t), ops.zeros((2,)), [keras.Input((5, 2)), keras.Input((5, 3))])
f = ops.fori_loop(0, 3, lambda i, v: v + i, x)
(w,) = ops.while_loop(lambda v: ops.sum(v) < 10, lambda v: (v * 2,), (x,))
w1 = ops.while_loop(lambda v: ops.sum(v) < 10, lambda v: v * 2, x)
sw = ops.switch(1, [lambda a: a * 2, lambda a: a[:, 0]], x)
a = ops.associative_scan(lambda p, q: p + q, x, axis=1)
primal, tangent = ops.jvp(lambda a: a * 2, (x,), (x,))
c = ops.cond(ops.mean(x) > 0, lambda: ops.ones((2,)), lambda: ops.zeros((2,)))
`);
    const expected: Record<string, string> = {
      m: '(None, 3)',
      md_a: '(None, 3, 4)',
      md_b: '(None,)',
      v: '(None, 3)',
      s_carry: '(3, 4)',
      s_ys: '(None, 3, 4)',
      // Keras's symbolic scan takes xs[0] of a list: its first tensor, whole, stacked once more.
      l_carry: '(2,)',
      l_ys: '(None, None, 5, 2)',
      f: '(None, 3, 4)',
      w: '(None, 3, 4)',
      w1: '(None, 3, 4)',
      // The spec is the first branch's, whichever the index picks.
      sw: '(None, 3, 4)',
      a: '(None, 3, 4)',
      primal: '(None, 3, 4)',
      tangent: '(None, 3, 4)',
      c: '(2,)',
    };
    assert.deepEqual(Object.fromEntries(Object.keys(expected).map((n) => [n, shapeOf(analysis, n)])), expected);
    assert.deepEqual(messages(analysis), []);
  });

  it("take Keras's auto-names: the op's own, and one `get_item` for each tensor its spec indexes", async () => {
    const analysis = await analyze(`${header}
m = ops.map(lambda t: ops.sum(t, axis=-1), x)
g = x[0]
carry, ys = ops.scan(lambda c, t: (c + t, c * t), ops.zeros((3, 4)), x)
g2 = x[1]
model = keras.Model(x, [m, g, ys, g2])
`);
    assert.deepEqual(summaryRows(modelNamed(analysis, 'functional')), [
      'input_layer (InputLayer) (None, 3, 4) 0',
      'map (Map) (None, 3) 0',
      'get_item_1 (GetItem) (3, 4) 0',
      'scan (Scan) (3, 4) (None, 3, 4) 0',
      'get_item_3 (GetItem) (3, 4) 0',
    ]);
  });

  it("raise Keras's errors on KerasTensors: cond's branches of two kinds, associative_scan's lengths", async () => {
    const analysis = await analyze(`${header}
bad = ops.cond(ops.mean(x) > 0, lambda: ops.ones((2,)), lambda: ops.zeros((3,)))
lengths = ops.associative_scan(lambda p, q: p, [keras.Input((3,)), keras.Input((4,))], axis=1)
`);
    assert.deepEqual(messages(analysis, 'error'), [
      '`true_fn` and `false_fn` should return outputs of the same kind (struct, dtype and shape). Got (2,) float32 and (3,) float32 instead.',
      'Array inputs to associative_scan must have the same first dimension. (saw: [(None, 3), (None, 4)])',
    ]);
  });

  it('on KerasTensors, a function that uses a KerasTensor it is not given is unknown (Keras cannot trace it), without an error', async () => {
    const analysis = await analyze(`${header}
closure = ops.cond(ops.mean(x) > 0, lambda: x * 2, lambda: x)
carry, ys = ops.scan(lambda c, t: (c + x[0, 0], c), ops.zeros((4,)), None, length=5)
`);
    assert.match(shapeOf(analysis, 'closure'), /^unknown: keras.ops.cond: its function uses a KerasTensor it is not given/);
    assert.match(shapeOf(analysis, 'carry'), /^unknown: keras.ops.scan: its function uses a KerasTensor it is not given/);
    assert.deepEqual(messages(analysis), []);
  });

  it("inside a layer's call(), the functions close over the traced tensors, and branches of two kinds are not an error", async () => {
    const analysis = await analyze(`import keras
from keras import layers, ops

class Gate(layers.Layer):
    def call(self, x):
        doubled = ops.cond(ops.mean(x) > 0.0, lambda: x * 2.0, lambda: x * 0.5)
        total, sums = ops.scan(lambda c, t: (c + t, c + t), ops.zeros_like(x[0]), x)
        mixed = ops.cond(ops.mean(x) > 0.0, lambda: x, lambda: x[:, 0])
        return doubled, sums, mixed

doubled, sums, mixed = Gate()(keras.Input((3, 4)))
`);
    assert.equal(shapeOf(analysis, 'doubled'), '(None, 3, 4)');
    assert.equal(shapeOf(analysis, 'sums'), '(None, 3, 4)');
    // JAX's lax.cond raises where the branches differ, TensorFlow's relaxes the shape: not known, and no error.
    assert.match(shapeOf(analysis, 'mixed'), /^unknown/);
    assert.deepEqual(messages(analysis, 'error'), []);
  });

  it('custom_gradient gives the function its first output; vectorize maps a function over broadcast elements', async () => {
    const analysis = await analyze(`import keras
import numpy as np
from keras import ops

@ops.custom_gradient
def log1pexp(x):
    e = ops.exp(x)
    def grad(*args, upstream=None):
        return ops.multiply(upstream, 1.0 - 1.0 / ops.add(1, e))
    return ops.log(1 + e), grad

eager = log1pexp(ops.ones((2, 3)))
symbolic = log1pexp(keras.Input((3,)))
added = ops.vectorize(lambda a, b: a * b + 1.0)(ops.ones((2, 3)), ops.ones((3,)))
`);
    assert.equal(shapeOf(analysis, 'eager'), '(2, 3)');
    assert.match(shapeOf(analysis, 'symbolic'), /^unknown: Keras's JAX backend cannot call a custom_gradient function on KerasTensors/);
    assert.equal(shapeOf(analysis, 'added'), '(2, 3)');
  });

  it("slogdet: Keras's symbolic sign is (), the computed one each matrix's; convert_to_numpy of a KerasTensor raises", async () => {
    const analysis = await analyze(`import keras
from keras import ops
sign, logabsdet = ops.slogdet(keras.Input((3, 3)))
signs, logabsdets = ops.slogdet(ops.ones((2, 3, 3)))
array = ops.convert_to_numpy(ops.ones((2, 3)))
fails = ops.convert_to_numpy(keras.Input((3,)))
`);
    assert.deepEqual(
      ['sign', 'logabsdet', 'signs', 'logabsdets'].map((n) => shapeOf(analysis, n)),
      ['()', '(None,)', '(2,)', '(2,)'],
    );
    assert.equal(shapeOf(analysis, 'array'), '(2, 3)');
    assert.deepEqual(messages(analysis, 'error'), [
      "A KerasTensor is symbolic: it's a placeholder for a shape an a dtype. It doesn't have any actual numerical value. You cannot convert it to a NumPy array.",
    ]);
  });
});
