// Shape errors caught before Python runs, worded like Keras, at the exact range
// of the offending call; and notes where the file uses what cannot be analysed.

import assert from 'node:assert/strict';
import { analyze, where } from './helpers/analysis.js';

const header = 'import keras\nfrom keras import layers\n';

async function only(source: string) {
  const a = await analyze(header + source);
  assert.equal(a.diagnostics.length, 1, `expected one diagnostic, got: ${JSON.stringify(a.diagnostics.map((d) => d.message))}`);
  return a.diagnostics[0]!;
}

describe('diagnostics', () => {
  it('merge layers: incompatible shapes', async () => {
    const d = await only(`a = keras.Input((30, 30, 32))
b = keras.Input((30, 30, 16))
s = layers.Add()([a, b])`);
    assert.equal(d.severity, 'error');
    assert.equal(d.message, 'Inputs have incompatible shapes. Received shapes (30, 30, 32) and (30, 30, 16)');
    // Line 5 (after the two header lines), the whole call `layers.Add()([a, b])`.
    assert.equal(where(d), '5:5-5:25');
    assert.equal(d.code, 'shape-error');
  });

  it('Concatenate: shapes that differ off the concatenation axis', async () => {
    const d = await only(`a = keras.Input((4, 5))
b = keras.Input((3, 5))
c = layers.Concatenate()([a, b])`);
    assert.equal(
      d.message,
      'A `Concatenate` layer requires inputs with matching shapes except for the concatenation axis. Received: input_shape=[(None, 4, 5), (None, 3, 5)]',
    );
  });

  it('Conv2D on the wrong rank', async () => {
    const d = await only(`x = keras.Input((10,))
y = layers.Conv2D(8, 3)(x)`);
    assert.equal(
      d.message,
      "Input 0 of layer 'conv2d' is incompatible with the layer: expected min_ndim=4, found ndim=2. Full shape received: (None, 10)",
    );
    assert.equal(where(d), '4:5-4:27');
  });

  it('Dense on a rank-1 tensor', async () => {
    const d = await only(`x = keras.Input(shape=(), name="scalar")
y = layers.Dense(3)(x)`);
    assert.equal(
      d.message,
      "Input 0 of layer 'dense' is incompatible with the layer: expected min_ndim=2, found ndim=1. Full shape received: (None,)",
    );
  });

  it('a shared layer called on a different size', async () => {
    const d = await only(`shared = layers.Dense(4)
a = shared(keras.Input((8,)))
b = shared(keras.Input((6,)))`);
    assert.equal(
      d.message,
      "Input 0 of layer 'dense' is incompatible with the layer: expected axis -1 of input shape to have value 8, but received input with shape (None, 6)",
    );
    assert.equal(where(d), '5:5-5:30');
  });

  it('Reshape whose sizes cannot match', async () => {
    const d = await only(`x = keras.Input((30, 30, 32))
y = layers.Reshape((100, 10))(x)`);
    // 30·30·32 = 28800 ≠ 100·10 = 1000.
    assert.equal(d.message, 'The total size of the tensor must be unchanged. Received: input_shape=(30, 30, 32), target_shape=(100, 10)');
  });

  it('Flatten of an unknown dimension is silent, as in Keras; the Dense after it raises', async () => {
    const d = await only(`x = keras.Input((None, 8))
y = layers.Flatten()(x)
z = layers.Dense(3)(y)`);
    assert.equal(d.severity, 'error');
    assert.equal(
      d.message,
      'The last dimension of the inputs to a Dense layer should be defined. Found None. Full input shape received: (None, None)',
    );
    assert.equal(where(d), '5:5-5:23');
  });

  it('an unknown layer, and a real Keras class Tensor Lens does not model (an abstract base)', async () => {
    const a = await analyze(`${header}x = keras.Input((4,))
y = layers.Denze(3)(x)
z = layers.Wrapper(layers.Dense(2))(x)`);
    assert.deepEqual(
      a.diagnostics.map((d) => [d.severity, d.message]),
      [
        ['information', 'Unknown layer Denze: keras.layers has no such class, and tensors after it are not analysed.'],
        ['information', 'Layer Wrapper is not supported by Tensor Lens yet: tensors after it are not analysed.'],
      ],
    );
  });

  it('an unknown keyword argument, at the keyword', async () => {
    const d = await only(`x = keras.Input((4,))
y = layers.Dense(3, activaton="relu")(x)`);
    assert.equal(d.severity, 'error');
    assert.equal(d.message, "Unrecognized keyword arguments passed to Dense: {'activaton': 'relu'}");
    assert.equal(where(d), '4:21-4:37');
  });

  // Keras 3.15.1: `keras.layers.Conv2D(8, (3, 3, 3))` raises
  // ValueError: The `kernel_size` argument must be a tuple of 2 integers. Received kernel_size=(3, 3, 3)
  for (const [spelling, range] of [
    ['layers.Conv2D(8, (3, 3, 3))', '3:22-3:31'],
    ['layers.Conv2D(8, kernel_size=(3, 3, 3))', '3:22-3:43'],
  ] as const) {
    it(`an argument Keras rejects, at the argument: ${spelling}`, async () => {
      const d = await only(`c = ${spelling}`);
      assert.equal(d.severity, 'error');
      assert.equal(d.message, 'The `kernel_size` argument must be a tuple of 2 integers. Received kernel_size=(3, 3, 3)');
      assert.equal(where(d), range);
      assert.equal(d.code, 'invalid-argument');
    });
  }

  it('a missing required argument', async () => {
    const d = await only(`y = layers.Conv2D(16)`);
    assert.equal(d.message, "Conv2D.__init__() missing 1 required positional argument: 'kernel_size'");
  });

  it('a name used before it is assigned', async () => {
    const d = await only(`y = layers.Dense(3)(x)
x = keras.Input((4,))`);
    assert.equal(d.severity, 'error');
    assert.equal(d.message, '"x" is used before assignment');
    assert.equal(where(d), '3:21-3:22');
  });

  it('.numpy() on a KerasTensor: the seed document’s own problem', async () => {
    const d = await only(`x = keras.Input((4,))
y = layers.Dense(3)(x)
arr = y.numpy()`);
    assert.equal(d.severity, 'error');
    assert.match(d.message, /^A KerasTensor is symbolic/);
  });

  it('get_layer of a name the model does not have', async () => {
    const d = await only(`x = keras.Input((4,))
m = keras.Model(x, layers.Dense(3, name="head")(x))
h = m.get_layer("heda")`);
    assert.equal(d.message, "No such layer: heda. Existing layers are: ['input_layer', 'head'].");
  });

  it('one shape error does not cascade into errors downstream', async () => {
    const a = await analyze(`${header}a = keras.Input((3,))
b = keras.Input((4,))
s = layers.Add()([a, b])
t = layers.Dense(2)(s)
u = layers.Dense(2)(t)`);
    assert.equal(a.diagnostics.length, 1);
  });
});
